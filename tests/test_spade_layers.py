"""SPADE layer and SPADE residual block: the Eq. 1 formula against numpy, norm-string parsing,
dynamic sizes, and the shared layer checks (config round trip, mixed_bfloat16, TFLite builtins)."""

import numpy as np
import pytest
import tensorflow as tf

from tests.layer_checks import check_layer
from tests.reference_ops import conv2d, instance_norm
from tf_i2i.layers import SPADE, parse_spade_norm
from tf_i2i.nets import SPADEResnetBlock

RNG = np.random.default_rng(0)


def _inputs(n=2, h=6, w=10, c=4, seg_h=12, seg_w=15, labels=3):
    x = RNG.normal(size=(n, h, w, c)).astype(np.float32)
    seg = RNG.uniform(size=(n, seg_h, seg_w, labels)).astype(np.float32)
    return x, seg


def _kernel(conv_block):
    conv = conv_block.conv_layer
    return conv.kernel.numpy(), conv.bias.numpy()


def test_spade_matches_the_formula_with_torch_nearest_resize():
    x, seg = _inputs()
    layer = SPADE("instance", kernel_size=3, hidden=5)
    y = np.asarray(layer([x, seg]))
    rows = np.floor(np.arange(6) * 12 / 6).astype(int)  # torch nearest: floor(dst * in / out)
    cols = np.floor(np.arange(10) * 15 / 10).astype(int)
    small = seg[:, rows][:, :, cols]
    actv = np.maximum(conv2d(small, *_kernel(layer.shared), 1, 1), 0)
    gamma = conv2d(actv, *_kernel(layer.gamma), 1, 1)
    beta = conv2d(actv, *_kernel(layer.beta), 1, 1)
    np.testing.assert_allclose(y, instance_norm(x.astype(np.float64)) * (1 + gamma) + beta, atol=1e-4)


def test_spade_batch_norm_uses_running_statistics_at_inference():
    x, seg = _inputs()
    layer = SPADE("batch", kernel_size=5, hidden=4)
    layer([x, seg])
    layer.norm.moving_mean.assign(np.full(4, 0.5, np.float32))
    layer.norm.moving_variance.assign(np.full(4, 4.0, np.float32))
    for conv in (layer.gamma, layer.beta):
        conv.conv_layer.kernel.assign(tf.zeros_like(conv.conv_layer.kernel))
        conv.conv_layer.bias.assign(tf.zeros_like(conv.conv_layer.bias))
    np.testing.assert_allclose(layer([x, seg], training=False), (x - 0.5) / np.sqrt(4 + 1e-5), atol=1e-5)
    assert not layer.norm.center and not layer.norm.scale  # parameter-free


@pytest.mark.parametrize("text, expected", [
    ("spectralspadesyncbatch3x3", {"spectral_norm": True, "norm": "sync_batch", "kernel_size": 3}),
    ("spadeinstance5x5", {"spectral_norm": False, "norm": "instance", "kernel_size": 5}),
    ("spectralspadebatch3x3", {"spectral_norm": True, "norm": "batch", "kernel_size": 3}),
])
def test_parse_spade_norm(text, expected):
    assert parse_spade_norm(text) == expected


def test_parse_spade_norm_rejects_unknown_norms():
    with pytest.raises(ValueError, match="unknown SPADE norm"):
        parse_spade_norm("spectralspadegroup3x3")


def test_spade_layer_checks():
    check_layer(lambda: SPADE("instance", hidden=8), list(_inputs()))
    check_layer(lambda: SPADE("sync_batch", kernel_size=5, hidden=8), list(_inputs()))


def test_spade_block_layer_checks_and_learned_shortcut():
    block = check_layer(lambda: SPADEResnetBlock(4, 2, norm="instance", hidden=8), list(_inputs()))
    assert block.learned_shortcut and block.conv_s.conv_layer.use_bias is False
    assert block.conv_0.conv_layer.filters == 2 and block.conv_0.spectral_norm
    same = SPADEResnetBlock(4, 4, norm="batch", spectral_norm=False, hidden=8)
    assert not same.learned_shortcut and same([*_inputs()]).shape == (2, 6, 10, 4)


def test_spade_block_traces_with_dynamic_sizes():
    block = SPADEResnetBlock(4, 3, norm="instance", hidden=8)
    fn = tf.function(lambda x, s: block([x, s]), input_signature=[
        tf.TensorSpec([None, None, None, 4]), tf.TensorSpec([None, None, None, 3])])
    for h, w, sh, sw in ((6, 10, 12, 15), (5, 3, 20, 7)):
        x, seg = _inputs(1, h, w, 4, sh, sw)
        assert fn(x, seg).shape == (1, h, w, 3)
