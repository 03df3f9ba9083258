"""The speed-motivated formulations in tf_i2i.layers compute exactly what the reference ones do.

InstanceNorm(training=True) runs a fused kernel per sample (or on the batch folded into the
channels when the batch size is unknown), TorchLayerNorm(training=True) a closed-form gradient,
and a transposed ConvBlock crops with tf.slice; each must match the moments formula / plain
slicing in value and in gradient.
"""

import numpy as np
import pytest
import tensorflow as tf

from tests import reference_ops as ref
from tf_i2i.layers import ConvBlock, InstanceNorm
from tf_i2i.layers.normalization import TorchLayerNorm

RNG = np.random.default_rng(0)


def _value_and_grad(fn, x, dy):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return y, tape.gradient(y, x, output_gradients=dy)


@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
def test_instance_norm_training_path_matches_inference_path(affine, batch):
    x = (RNG.normal(size=(batch, 7, 5, 4)) * 3 + 1).astype(np.float32)
    dy = RNG.normal(size=x.shape).astype(np.float32)
    layer = InstanceNorm(affine=affine)
    layer.build(x.shape)
    if affine:
        layer.gamma.assign([1.0, 2.0, 0.5, -1.0])
        layer.beta.assign([0.5, 0.0, -1.0, 2.0])
    y_fast, g_fast = _value_and_grad(lambda t: layer(t, training=True), x, dy)
    y_ref, g_ref = _value_and_grad(lambda t: layer(t, training=False), x, dy)
    np.testing.assert_allclose(y_fast, y_ref, atol=2e-5)
    np.testing.assert_allclose(g_fast, g_ref, atol=2e-5)
    if not affine:
        np.testing.assert_allclose(y_fast, ref.instance_norm(x), atol=2e-5)
    assert y_fast.shape == x.shape


def test_instance_norm_training_path_with_unknown_batch_folds_and_matches():
    x = (RNG.normal(size=(3, 6, 5, 4)) * 2 - 1).astype(np.float32)
    layer = InstanceNorm()
    fn = tf.function(lambda t: layer(t, training=True), input_signature=[tf.TensorSpec([None, 6, 5, 4])])
    assert "Transpose" in {op.type for op in fn.get_concrete_function().graph.get_operations()}
    np.testing.assert_allclose(fn(x), ref.instance_norm(x), atol=2e-5)


@pytest.mark.parametrize("batch", [1, 3])
def test_torch_layer_norm_training_path_matches_inference_path(batch):
    x = (RNG.normal(size=(batch, 6, 5, 4)) * 3 + 2).astype(np.float32)
    probe = tf.constant(RNG.normal(size=x.shape).astype(np.float32))
    layer = TorchLayerNorm()
    layer.build(x.shape)
    layer.gamma.assign([1.0, 2.0, 0.5, -1.0])
    layer.beta.assign([0.5, 0.0, -1.0, 2.0])
    results = []
    for training in (True, False):
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, training=training)
            loss = tf.reduce_sum(y * probe)
        results.append([y, *tape.gradient(loss, [xt, layer.gamma, layer.beta])])
    for fast, plain in zip(*results, strict=True):
        np.testing.assert_allclose(fast, plain, atol=2e-5)
    mean = x.mean(axis=(1, 2, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(x.var(axis=(1, 2, 3), keepdims=True) + 1e-5) * [1.0, 2.0, 0.5, -1.0] + [0.5, 0.0, -1.0, 2.0]
    np.testing.assert_allclose(results[0][0], expected, atol=2e-5)


def test_torch_layer_norm_training_path_traces_for_any_size():
    x = (RNG.normal(size=(2, 6, 5, 4)) * 2 + 1).astype(np.float32)
    layer = TorchLayerNorm()
    layer.build(x.shape)
    fn = tf.function(lambda t: layer(t, training=True), input_signature=[tf.TensorSpec([None, None, None, 4])])
    np.testing.assert_allclose(fn(x), layer(x, training=False), atol=2e-5)


def test_instance_norm_training_path_keeps_static_shape_in_graphs():
    layer = InstanceNorm()
    fn = tf.function(lambda t: layer(t, training=True))
    out = fn.get_concrete_function(tf.TensorSpec([2, 8, 8, 5])).structured_outputs
    assert out.shape.as_list() == [2, 8, 8, 5]


@pytest.mark.parametrize("pad,out_pad", [(1, 0), (1, 1), (2, 1)])
def test_transposed_crop_matches_strided_slice(pad, out_pad):
    block = ConvBlock(3, 3, strides=2, padding=pad, output_padding=out_pad, transpose=True)
    x = RNG.normal(size=(2, 5, 6, 4)).astype(np.float32)
    block(x)  # builds the inner transposed conv
    full = block.conv(tf.constant(x))  # its uncropped 'valid' output
    stop = pad - out_pad
    dy_shape = (2, full.shape[1] - pad - stop, full.shape[2] - pad - stop, 3)
    dy = RNG.normal(size=dy_shape).astype(np.float32)
    y, g = _value_and_grad(block._crop_transposed, full.numpy(), dy)
    y_ref, g_ref = _value_and_grad(lambda t: t[:, pad:t.shape[1] - stop, pad:t.shape[2] - stop], full.numpy(), dy)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(g, g_ref)


def test_transposed_crop_keeps_static_channels_with_dynamic_size():
    block = ConvBlock(3, 4, strides=2, padding=1, transpose=True)
    for spec, expected in (([None, None, None, 4], [None, None, None, 3]), ([2, 5, 6, 4], [2, 10, 12, 3])):
        # A new tf.function per spec: one traced for None dims would be reused for the static spec.
        out = tf.function(lambda t: block(t)).get_concrete_function(tf.TensorSpec(spec)).structured_outputs
        assert out.shape.as_list() == expected
