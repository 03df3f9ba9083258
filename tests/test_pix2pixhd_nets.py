"""pix2pixHD networks and the shared multi-scale discriminator: shapes, size_multiple, intermediates,
serialization, bf16 and TFLite builtins."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.layer_checks import check_layer
from tf_i2i.layers import AvgPoolExcludePad
from tf_i2i.models.pix2pixhd import FeatureEncoder, GlobalGenerator, LocalEnhancer
from tf_i2i.nets import MultiscaleDiscriminator

RNG = np.random.default_rng(5)


def _img(n, h, w, c=3):
    return RNG.uniform(-1, 1, size=(n, h, w, c)).astype(np.float32)


@pytest.mark.parametrize("norm", ["instance", "batch"])
def test_global_generator_keeps_size_and_exports(norm):
    gen = check_layer(lambda: GlobalGenerator(3, ngf=4, n_downsampling=2, n_blocks=1, norm=norm),
                      _img(1, 32, 32, 5), call_kwargs={"training": False}, bf16_atol=0.15)
    assert gen.size_multiple == 4
    y = gen(_img(2, 24, 40, 5), training=False)
    assert y.shape == (2, 24, 40, 3) and y.dtype == tf.float32 and np.abs(y).max() <= 1.0
    assert all(b.conv_layer.use_bias for b in [gen.stem, *gen.down, *gen.up, gen.head])  # also with batch norm


def test_headless_global_generator_ends_at_the_last_upsampling():
    gen = GlobalGenerator(3, ngf=4, n_downsampling=2, n_blocks=1, include_head=False)
    x = _img(1, 16, 16, 2)
    assert gen.head is None and gen(x).shape == (1, 16, 16, 4)
    np.testing.assert_allclose(gen(x), gen.trunk(x), atol=0)


def test_local_enhancer_intermediates_and_size_multiple():
    gen = LocalEnhancer(3, ngf=2, n_downsample_global=2, n_blocks_global=1, n_local_enhancers=2, n_blocks_local=1)
    assert gen.size_multiple == 16
    assert gen.global_net.ngf == 8 and [lv.filters for lv in gen.levels] == [4, 2]
    x = _img(2, 32, 48, 4)
    inter = gen.intermediates(x, training=False)
    assert inter["input_downsampled"].shape == (2, 8, 12, 4)
    assert inter["global_out"].shape == inter["model1_1_out"].shape == (2, 8, 12, 8)
    assert inter["model2_1_out"].shape == (2, 16, 24, 4)
    np.testing.assert_allclose(inter["input_downsampled"],
                               AvgPoolExcludePad()(AvgPoolExcludePad()(x)), atol=1e-6)
    np.testing.assert_allclose(gen(x, training=False), inter["output"], atol=1e-6)
    assert inter["output"].shape == (2, 32, 48, 3)


def test_local_enhancer_layer_checks():
    check_layer(lambda: LocalEnhancer(3, ngf=2, n_downsample_global=1, n_blocks_global=1, n_blocks_local=1),
                _img(1, 16, 16, 4), call_kwargs={"training": False}, bf16_atol=0.15)


def test_feature_encoder_pools_per_instance():
    ids = np.zeros((2, 16, 16, 1), np.int32)
    ids[:, 4:, 8:] = 26001
    enc = check_layer(lambda: FeatureEncoder(4, ngf=2, n_downsampling=2), _img(2, 16, 16),
                      call_kwargs={"instance_ids": ids, "training": False}, bf16_atol=0.15, tflite=False)
    assert enc.size_multiple == 4
    y = np.asarray(enc(_img(2, 16, 16), ids, training=False))
    raw = np.asarray(enc.net(_img(2, 16, 16), training=False))
    assert y.shape == (2, 16, 16, 4)
    for b in range(2):
        for value in (0, 26001):
            region = y[b][ids[b, ..., 0] == value]
            assert np.ptp(region, axis=0).max() < 1e-6  # one feature per instance
    assert not np.allclose(y, raw)


def _flat(feats):
    return [np.asarray(f) for scale in feats for f in scale]


def test_multiscale_discriminator_feature_lists():
    disc = MultiscaleDiscriminator(ndf=4, n_layers=2, num_D=3)
    x = _img(2, 32, 48, 6)
    feats = disc(x, training=False)
    assert len(feats) == 3 and all(len(s) == 4 for s in feats)
    assert [f.shape[-1] for f in feats[0]] == [4, 8, 16, 1]
    # k4 padding 2: s2 convs give floor(n/2)+1, s1 convs grow by one.
    assert [tuple(f.shape[1:3]) for f in feats[0]] == [(17, 25), (9, 13), (10, 14), (11, 15)]
    pooled = AvgPoolExcludePad()(x)
    for a, b in zip(feats[1], disc.scales[1].features(pooled, training=False), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    only = MultiscaleDiscriminator(ndf=4, n_layers=2, num_D=2, get_interm_feat=False)
    assert [len(s) for s in only(x)] == [1, 1]


def test_multiscale_discriminator_widths_cap_and_sigmoid():
    disc = MultiscaleDiscriminator(ndf=40, n_layers=4, num_D=1, use_sigmoid=True, norm="batch")
    feats = disc(_img(1, 40, 40, 3), training=False)[0]
    assert [f.shape[-1] for f in feats] == [40, 80, 160, 320, 512, 1]
    assert 0 < float(np.min(feats[-1])) and float(np.max(feats[-1])) < 1


def test_multiscale_discriminator_serializes_and_runs_bf16():
    disc = MultiscaleDiscriminator(ndf=4, n_layers=2, num_D=2, norm="batch", spectral_norm=True)
    x = _img(1, 24, 24, 3)
    ref = disc(x, training=False)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(disc))
    clone(x, training=False)
    assert clone.get_config() == disc.get_config()
    clone.set_weights(disc.get_weights())
    for a, b in zip(_flat(clone(x, training=False)), _flat(ref), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    mixed = MultiscaleDiscriminator(ndf=4, n_layers=2, num_D=2, norm="batch", spectral_norm=True)
    mixed(x, training=False)
    mixed.set_weights(disc.get_weights())
    out = _flat(mixed(x, training=False))
    assert out[-1].dtype == np.float32
    np.testing.assert_allclose(out[-1], _flat(ref)[-1], atol=0.1)
