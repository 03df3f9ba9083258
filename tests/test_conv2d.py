"""tf_i2i.layers.Conv2D: the im2col-matmul and row-split paths are the same convolution, taken only
where they pay: for their shapes, on a CPU."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.layers import Conv2D, conv2d
from tf_i2i.layers.conv2d import (ops_run_on_cpu, patch_matmul_conv, prefers_patch_matmul, prefers_row_split,
                                  row_split_conv)


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
    for a, b in zip(tape.gradient(loss_ours, [x, w]), tape.gradient(loss_ref, [x, w]), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_rule_takes_matmul_for_wide_small_maps_only():
    assert prefers_patch_matmul((1, 18, 34, 1024), (3, 3, 1024, 1024), (1, 1))  # pix2pixHD residual block
    assert prefers_patch_matmul((1, 34, 66, 512), (3, 3, 512, 1024), (2, 2))  # its last downsampling
    assert not prefers_patch_matmul((1, 130, 130, 64), (3, 3, 64, 64), (1, 1))  # wide map, few weights
    assert not prefers_patch_matmul((1, 34, 66, 1024), (3, 3, 1024, 3), (1, 1))  # c_out 3: matrix-vector
    assert not prefers_patch_matmul((None, 18, 34, 1024), (3, 3, 1024, 1024), (1, 1))  # any-batch signature


@pytest.mark.parametrize("height,kernel", [(10, 3), (9, 4), (4, 3), (12, 1)])
def test_row_split_equals_conv_with_gradients(height, kernel):
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(1, height, 7, 5)), tf.float32)
    w = tf.constant(rng.normal(size=(kernel, kernel, 5, 6)), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        ours = row_split_conv(x, w)
        ref = tf.nn.conv2d(x, w, 1, "VALID")
        probe = tf.constant(rng.normal(size=ref.shape), tf.float32)
        loss_ours, loss_ref = tf.reduce_sum(ours * probe), tf.reduce_sum(ref * probe)
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    for a, b in zip(tape.gradient(loss_ours, [x, w]), tape.gradient(loss_ref, [x, w]), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_row_split_rule_takes_batch_1_fp32_wide_stride_1_convs_only():
    assert prefers_row_split((1, 56, 56, 256), (3, 3, 256, 256), (1, 1), tf.float32)  # DRIT residual block
    assert not prefers_row_split((2, 56, 56, 256), (3, 3, 256, 256), (1, 1), tf.float32)  # batch 2
    assert not prefers_row_split((1, 56, 56, 256), (3, 3, 256, 256), (1, 1), tf.bfloat16)
    assert not prefers_row_split((1, 57, 56, 256), (3, 3, 256, 256), (1, 1), tf.float32)  # odd output rows
    assert not prefers_row_split((1, 56, 56, 256), (3, 3, 256, 256), (2, 2), tf.float32)
    assert not prefers_row_split((1, 56, 56, 128), (3, 3, 128, 128), (1, 1), tf.float32)  # oneDNN fine there
    assert not prefers_row_split((1, 54, 54, 256), (1, 1, 256, 256), (1, 1), tf.float32)
    assert not prefers_row_split((None, 56, 56, 256), (3, 3, 256, 256), (1, 1), tf.float32)


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


def test_layer_takes_the_row_split_for_batch_1_fp32_and_matches_keras():
    x = tf.random.stateless_normal((1, 30, 30, 256), seed=[5, 6])  # too many positions for the matmul path
    ours, plain = Conv2D(64, 3), keras.layers.Conv2D(64, 3)
    ours.build(x.shape)
    plain.build(x.shape)
    plain.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x), plain(x), atol=1e-4)
    conv_ops = [op for op in tf.function(ours.__call__).get_concrete_function(x).graph.get_operations()
                if op.type == "Conv2D"]
    assert [op.inputs[0].shape[0] for op in conv_ops] == [2]  # the two halves as a batch


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


WIDE_SMALL_MAP, BATCH_1_256_CHANNELS = (1, 6, 6, 64), (1, 30, 30, 256)  # the matmul path, the row split


def _traced_convs(x_shape: tuple, device: str | None = None) -> tuple[set[str], list[int]]:
    """Op types of a Conv2D(64, 3) traced for x_shape (inside tf.device(device) if given), and the
    batch size of each Conv2D op's input."""
    layer = Conv2D(64, 3)
    layer.build(x_shape)

    @tf.function
    def call(x):
        if device is None:
            return layer(x)
        with tf.device(device):
            return layer(x)

    ops = call.get_concrete_function(tf.TensorSpec(x_shape)).graph.get_operations()
    return {op.type for op in ops}, [op.inputs[0].shape[0] for op in ops if op.type == "Conv2D"]


def test_device_decision_reads_the_scope_in_graphs_and_the_machine_otherwise(monkeypatch):
    monkeypatch.setattr(conv2d, "_accelerator_visible", lambda: False)  # a CPU-only machine, as this one
    assert ops_run_on_cpu()  # eager

    traced = {}

    @tf.function
    def decisions():
        traced["none"] = ops_run_on_cpu()
        for device in ("/GPU:0", "/TPU:0", "/CPU:0", "/job:localhost/replica:0/task:0"):
            with tf.device(device):
                traced[device] = ops_run_on_cpu()
        return tf.constant(0)

    decisions.get_concrete_function()
    # a scope without a device type is decided as no scope: where TensorFlow places unscoped ops
    assert traced == {"none": True, "/GPU:0": False, "/TPU:0": False, "/CPU:0": True,
                      "/job:localhost/replica:0/task:0": True}


@pytest.mark.parametrize("device", ["/GPU:0", "/device:TPU_REPLICATED_CORE:0"])
def test_no_fast_path_under_an_accelerator_scope(device):
    for shape in (WIDE_SMALL_MAP, BATCH_1_256_CHANNELS):
        types, conv_batches = _traced_convs(shape, device)  # traced only: no GPU needed
        assert "MatMul" not in types and conv_batches == [1], (shape, types)


def test_no_fast_path_where_tensorflow_sees_an_accelerator(monkeypatch):
    monkeypatch.setattr(conv2d, "_accelerator_visible", lambda: True)  # as on a GPU machine
    assert not ops_run_on_cpu()
    for shape in (WIDE_SMALL_MAP, BATCH_1_256_CHANNELS):
        types, conv_batches = _traced_convs(shape)
        assert "MatMul" not in types and conv_batches == [1], (shape, types)
    x = tf.random.stateless_normal(WIDE_SMALL_MAP, seed=[7, 8])
    ours, plain = Conv2D(64, 3), keras.layers.Conv2D(64, 3)
    ours.build(x.shape)
    plain.build(x.shape)
    plain.set_weights(ours.get_weights())
    np.testing.assert_array_equal(ours(x), plain(x))  # eagerly too: keras's own conv, bit for bit


def test_fast_paths_on_cpu_with_and_without_a_cpu_scope(monkeypatch):
    monkeypatch.setattr(conv2d, "_accelerator_visible", lambda: False)
    for device in (None, "/CPU:0"):
        types, conv_batches = _traced_convs(WIDE_SMALL_MAP, device)
        assert "MatMul" in types and not conv_batches, device
        types, conv_batches = _traced_convs(BATCH_1_256_CHANNELS, device)
        assert "MatMul" not in types and conv_batches == [2], device


def test_fast_paths_in_a_mirrored_replica_on_a_cpu_even_where_an_accelerator_is_seen(monkeypatch):
    monkeypatch.setattr(conv2d, "_accelerator_visible", lambda: True)  # decided by the replica's device scope
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        layer = Conv2D(64, 3)
        layer.build(WIDE_SMALL_MAP)

    @tf.function
    def step(x):
        return strategy.run(layer, args=(x,))

    types = {op.type for op in step.get_concrete_function(tf.TensorSpec(WIDE_SMALL_MAP)).graph.get_operations()}
    assert "MatMul" in types and "Conv2D" not in types, types
