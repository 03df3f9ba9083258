"""SPADE networks: generator output sizes for every num_upsampling_layers and aspect ratio, VAE vs
label-map start, the VAE encoder and reparameterisation, the discriminator's feature lists."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.models.spade import (ConvEncoder, SPADEGenerator, latent_size, parse_norm, reparameterize,
                                 spade_discriminator)

RNG = np.random.default_rng(0)


def _seg(n=1, h=16, w=16, c=4):
    return RNG.uniform(size=(n, h, w, c)).astype(np.float32)


@pytest.mark.parametrize("mode, aspect, size", [
    ("normal", 1.0, (32, 32)), ("more", 2.0, (64, 128)), ("most", 1.0, (128, 128))])
def test_generator_output_size_follows_the_latent_grid(mode, aspect, size):
    crop = {"normal": 32, "more": 128, "most": 128}[mode]
    gen = SPADEGenerator(ngf=2, crop_size=crop, aspect_ratio=aspect, num_upsampling_layers=mode,
                         norm="instance", spectral_norm=False)
    assert gen.output_size == size and gen.size_multiple == {"normal": 32, "more": 64, "most": 128}[mode]
    y = gen(_seg(h=24, w=40), training=False)  # any label-map size; the output size is fixed
    assert y.shape == (1, *size, 3) and np.all(np.abs(y) <= 1)
    assert [b.name for b in gen.blocks][-1] == ("up_4" if mode == "most" else "up_3")


def test_latent_size_uses_python_round():
    assert latent_size(256, 4.0, "normal") == (2, 8)
    assert latent_size(256, 3.2, "normal") == (2, 8)  # round(2.5) == 2
    with pytest.raises(ValueError):
        latent_size(256, 1.0, "many")
    with pytest.raises(ValueError, match="empty"):
        latent_size(64, 2.0, "more")


def test_vae_generator_starts_from_z_and_label_map_generator_from_the_segmap():
    kw = dict(ngf=1, crop_size=64, aspect_ratio=2.0, norm="batch", spectral_norm=True)
    vae = SPADEGenerator(use_vae=True, z_dim=8, **kw)
    seg = _seg(2)
    z = RNG.normal(size=(2, 8)).astype(np.float32)
    inter = vae.intermediates(seg, z, training=False)
    assert inter["fc_out"].shape == (2, 1, 2, 16) and inter["output"].shape == (2, 32, 64, 3)
    np.testing.assert_allclose(vae(seg, z, training=False), inter["output"], atol=1e-6)
    assert vae(seg, training=False).shape == (2, 32, 64, 3)  # z ~ N(0, I) when not given
    plain = SPADEGenerator(**kw)
    assert plain.intermediates(seg, training=False)["fc_out"].shape == (2, 1, 2, 16)
    assert isinstance(plain.fc.conv_layer, keras.layers.Conv2D)


def test_generator_config_round_trip():
    gen = SPADEGenerator(ngf=1, crop_size=32, use_vae=True, z_dim=4, norm="instance", name="g")
    clone = SPADEGenerator.from_config(gen.get_config())
    assert clone.get_config() == gen.get_config()


def test_encoder_gives_mu_and_logvar_for_any_image_size():
    enc = ConvEncoder(ngf=1, latent_dim=6)
    for h, w in ((32, 48), (256, 256)):
        mu, logvar = enc(RNG.uniform(-1, 1, (2, h, w, 3)).astype(np.float32), training=False)
        assert mu.shape == logvar.shape == (2, 6)
    assert [b.conv_layer.use_bias for b in enc.blocks] == [False] * 6  # normed convs drop the bias
    assert ConvEncoder.from_config(enc.get_config()).get_config() == enc.get_config()


def test_reparameterize_has_the_requested_moments():
    mu = tf.fill([20000, 1], 2.0)
    z = reparameterize(mu, tf.fill([20000, 1], float(np.log(9.0))), seed=1)
    assert abs(float(tf.reduce_mean(z)) - 2) < 0.1 and abs(float(tf.math.reduce_std(z)) - 3) < 0.1


def test_parse_norm():
    assert parse_norm("spectralinstance") == {"spectral_norm": True, "norm": "instance"}
    assert parse_norm("spectralnone") == parse_norm("spectral") == {"spectral_norm": True, "norm": "none"}
    assert parse_norm("sync_batch") == {"spectral_norm": False, "norm": "sync_batch"}
    with pytest.raises(ValueError):
        parse_norm("spectralgroup")


@pytest.mark.parametrize("interm", [True, False])
def test_discriminator_features_per_scale(interm):
    disc = spade_discriminator(ndf=4, n_layers_D=3, num_D=2, get_interm_feat=interm)
    feats = disc(_seg(2, 32, 48, 5), training=False)
    assert len(feats) == 2 and [len(f) for f in feats] == ([4, 4] if interm else [1, 1])
    if interm:
        # k4 padding 2: stride 2, 2, then 1 for the last normed conv and the logits
        assert [f.shape[1:] for f in feats[0]] == [(17, 25, 4), (9, 13, 8), (10, 14, 16), (11, 15, 1)]
    scale = disc.scales[0]
    assert [b.spectral_norm for b in scale.blocks] == [False, True, True, False]
    assert [b.conv_layer.use_bias for b in scale.blocks] == [True, False, False, True]
