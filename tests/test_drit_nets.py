"""DRIT networks: shared layers are shared, configs round-trip, training-only noise, shapes."""

import keras
import numpy as np
import pytest

from tf_i2i.models.drit.networks import (DritAttributeEncoder, DritAttributeEncoderVAE, DritContentEncoder,
                                         DritGenerator, DritGeneratorConcat, content_discriminator,
                                         domain_discriminator)


def _x(batch=1, size=32, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (batch, size, size, channels)).astype(np.float32)


def _clone(net: keras.Model, *inputs):
    twin = type(net).from_config(net.get_config())
    twin(*inputs, training=False)
    twin.set_weights(net.get_weights())
    return twin


def _flat(out):
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in _flat(o)]
    return [np.asarray(out)]


def _gen_inputs():
    """(content for A, z_a, content for B, z_b): 8-channel 8x8 contents, codes of 8."""
    return _x(1, 8, 8), _x(1, 1, 8)[:, 0, 0], _x(1, 8, 8, 1), _x(1, 1, 8, 2)[:, 0, 0]


NETS = [
    (lambda: DritContentEncoder(2), lambda: (_x(), _x(channels=1, seed=1))),
    (lambda: DritAttributeEncoderVAE(2), lambda: (_x(), _x(seed=1))),
    (lambda: DritAttributeEncoder(2), lambda: (_x(), _x(seed=1))),
    (lambda: DritGeneratorConcat(3, 1, 8), _gen_inputs),
    (lambda: DritGenerator(1, 3, 8, 5), _gen_inputs),
    (lambda: domain_discriminator(2, 2, spectral_norm=True), lambda: (_x(),)),
    (lambda: content_discriminator(4), lambda: (np.ones((1, 53, 53, 4), np.float32),)),
]


@pytest.mark.parametrize("make, inputs", NETS, ids=["enc_c", "enc_a_vae", "enc_a", "gen_concat", "gen", "dis", "dis_c"])
def test_config_round_trip_gives_the_same_outputs(make, inputs):
    net, args = make(), inputs()
    ours = _flat(net(*args, training=False))
    for a, b in zip(ours, _flat(_clone(net, *args)(*args, training=False)), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_content_encoder_shares_its_last_block_and_adds_noise_in_training_only():
    enc = DritContentEncoder(2)
    x_a, x_b = _x(2), _x(2, seed=1)
    c_a, c_b = enc(x_a, x_b, training=False)
    assert c_a.shape == c_b.shape == (2, 8, 8, 8)
    n_share = len(enc.share.weights)
    assert len(enc.weights) == len(enc.enc_a.weights) + len(enc.enc_b.weights) + n_share
    np.testing.assert_allclose(enc.encode(x_a, "a", training=False), c_a)
    assert np.abs(np.asarray(enc.encode(x_a, "a", training=True)) - np.asarray(c_a)).mean() > 0.3
    with pytest.raises(ValueError, match="domain"):
        enc.encode(x_a, "c")

