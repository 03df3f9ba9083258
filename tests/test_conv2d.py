"""tf_i2i.layers.Conv2D: the im2col-matmul path is the same convolution, taken only where it pays."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.layers import Conv2D
from tf_i2i.layers.conv2d import patch_matmul_conv, prefers_patch_matmul


@pytest.mark.parametrize("size,kernel,stride", [((7, 9), 3, 1), ((8, 8), 4, 2), ((9, 7), 3, 2), ((6, 6), 1, 1),
                                                ((10, 11), 4, 1), ((11, 10), 7, 3)])
def test_patch_matmul_equals_conv_with_gradients(size, kernel, stride):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(2, *size, 5)), tf.float32)
    w = tf.constant(rng.normal(size=(kernel, kernel, 5, 6)), tf.float32)
    strides = (stride, stride)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        ours = patch_matmul_conv(x, w, strides)
        ref = tf.nn.conv2d(x, w, stride, "VALID")
        probe = tf.constant(rng.normal(size=ref.shape), tf.float32)  # a loss that weighs every output
        loss_ours, loss_ref = tf.reduce_sum(ours * probe), tf.reduce_sum(ref * probe)
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    for a, b in zip(tape.gradient(loss_ours, [x, w]), tape.gradient(loss_ref, [x, w])):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_rule_takes_matmul_for_wide_small_maps_only():
    assert prefers_patch_matmul((1, 18, 34, 1024), (3, 3, 1024, 1024), (1, 1))  # pix2pixHD residual block
    assert prefers_patch_matmul((1, 34, 66, 512), (3, 3, 512, 1024), (2, 2))  # its last downsampling
    assert not prefers_patch_matmul((1, 130, 130, 64), (3, 3, 64, 64), (1, 1))  # wide map, few weights
    assert not prefers_patch_matmul((1, 34, 66, 1024), (3, 3, 1024, 3), (1, 1))  # c_out 3: matrix-vector
    assert not prefers_patch_matmul((None, 18, 34, 1024), (3, 3, 1024, 1024), (1, 1))  # any-batch signature


def _op_types(fn, x) -> set[str]:
    return {op.type for op in fn.get_concrete_function(x).graph.get_operations()}


def test_layer_picks_its_path_from_static_shapes_and_matches_keras():
    x = tf.random.stateless_normal((1, 6, 6, 64), seed=[1, 2])
    ours, plain = Conv2D(64, 3), keras.layers.Conv2D(64, 3)
    ours.build(x.shape)
    plain.build(x.shape)
    plain.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x), plain(x), atol=1e-4)
    wide = _op_types(tf.function(ours.__call__), x)
    assert "MatMul" in wide and "Conv2D" not in wide
    any_size = tf.function(ours.__call__, input_signature=[tf.TensorSpec((None, None, None, 64))])
    assert "Conv2D" in {op.type for op in any_size.get_concrete_function().graph.get_operations()}


def test_mixed_bfloat16_and_serialization():
    x = tf.random.stateless_normal((1, 6, 6, 64), seed=[3, 4])
    layer = Conv2D(64, 3, dtype="mixed_bfloat16")
    y = layer(x)
    assert y.dtype == tf.bfloat16
    clone = Conv2D.from_config(layer.get_config())
    clone.build(x.shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), y)
    assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer)).__class__ is Conv2D
