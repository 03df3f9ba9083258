"""The official SPADE fixture (generator in VAE and label-map mode, encoder, discriminator, edge
map) passes through the converter, and official spectral-norm weights load as torch's eval weight."""

import io

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tf_i2i.convert.assign import load_spectral_conv
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tf_i2i.layers import ConvBlock, SpectralNorm
from tools.fixtures.check import check_fixture


def test_official_spade_fixture_passes(shared_dir):
    fixture = fixture_dir(shared_dir, "SPADE")
    out = io.StringIO()
    assert check_fixture(fixture, out), out.getvalue()
    assert "SPADE: 19 compared, 0 skipped" in out.getvalue()


def _spectral_state(rng):
    w = rng.normal(size=(3, 2, 3, 3)).astype(np.float32)
    u = rng.normal(size=3).astype(np.float32)
    v = rng.normal(size=18).astype(np.float32)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    return {"weight_orig": w, "weight_u": u, "weight_v": v, "bias": np.zeros(3, np.float32)}


def test_spectral_conv_loads_torch_parametrisation_and_reproduces_eval_weight():
    state = _spectral_state(np.random.default_rng(0))
    block = ConvBlock(3, 3, padding=1, spectral_norm=True)
    block(np.zeros((1, 4, 4, 2), np.float32))
    load_spectral_conv(block.conv, StateDict(state).sub(""))
    np.testing.assert_array_equal(block.conv_layer.kernel.numpy(), state["weight_orig"].transpose(2, 3, 1, 0))
    np.testing.assert_array_equal(block.conv.u.numpy(), state["weight_u"])
    # torch's v runs over (in, kh, kw); ours over the HWIO kernel's (kh, kw, in).
    np.testing.assert_array_equal(block.conv.v.numpy(), state["weight_v"].reshape(2, 3, 3).transpose(1, 2, 0).ravel())
    sigma = state["weight_u"] @ state["weight_orig"].reshape(3, -1) @ state["weight_v"]
    np.testing.assert_allclose(block.conv.normalized_kernel().numpy(),
                               (state["weight_orig"] / sigma).transpose(2, 3, 1, 0), rtol=1e-5)
    x = np.random.default_rng(1).normal(size=(1, 4, 4, 2)).astype(np.float32)
    np.testing.assert_allclose(block(x, training=False), block(x, training=False))  # eval: no update
    assert isinstance(block.conv, SpectralNorm)


def test_weight_effective_is_not_a_checkpoint_key():
    """Fixtures record `weight_effective` beside torch's keys; a checkpoint never has it, so the
    converter leaves it unused and refuses it by name."""
    state = _spectral_state(np.random.default_rng(0))
    state["weight_effective"] = state["weight_orig"]
    block = ConvBlock(3, 3, padding=1, spectral_norm=True)
    block(np.zeros((1, 4, 4, 2), np.float32))
    sd = StateDict(state)
    load_spectral_conv(block.conv, sd.sub(""))
    with pytest.raises(ConversionError, match="weight_effective"):
        sd.check_all_used()
