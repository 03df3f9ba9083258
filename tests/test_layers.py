"""Custom layers against reference formulas, plus the shared serialization/bf16/TFLite checks."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests import reference_ops as ref
from tests.layer_checks import check_layer
from tf_i2i.layers import ConvBlock, ImagePool, InstanceNorm, LayerNorm, LeakyReLU, Pad2D, Resize

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def test_instance_norm_matches_torch_formula_and_shared_checks():
    x = _x(2, 6, 5, 3) * 3 + 1
    layer = check_layer(lambda: InstanceNorm(), x)
    np.testing.assert_allclose(layer(x), ref.instance_norm(x), atol=1e-5)


def test_affine_instance_norm_applies_scale_and_shift():
    x = _x(2, 4, 4, 3)
    layer = InstanceNorm(affine=True)
    layer.build(x.shape)
    layer.gamma.assign([1.0, 2.0, 3.0])
    layer.beta.assign([0.5, 0.0, -1.0])
    expected = ref.instance_norm(x) * [1.0, 2.0, 3.0] + [0.5, 0.0, -1.0]
    np.testing.assert_allclose(layer(x), expected, atol=1e-5)
    check_layer(lambda: InstanceNorm(affine=True), x)


def test_layer_norm_divides_by_unbiased_std_plus_eps():
    x = _x(2, 4, 5, 3)
    layer = check_layer(lambda: LayerNorm(affine=False), x)
    np.testing.assert_allclose(layer(x), ref.munit_layer_norm(x), atol=1e-5)
    check_layer(lambda: LayerNorm(), x)


@pytest.mark.parametrize("mode,np_mode", [("zero", "constant"), ("reflect", "reflect"), ("replicate", "edge")])
def test_pad2d_matches_numpy(mode, np_mode):
    x = _x(1, 5, 4, 2)
    layer = check_layer(lambda: Pad2D(2, mode), x)
    np.testing.assert_allclose(layer(x), np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode=np_mode))


@pytest.mark.parametrize("stride,pad,norm,act", [(2, 1, "none", "lrelu"), (1, 3, "instance", "relu"),
                                                 (2, 1, "batch", "none")])
def test_conv_block_matches_reference_conv(stride, pad, norm, act):
    x = _x(2, 9, 8, 3)
    k = 7 if pad == 3 else 4
    block = check_layer(lambda: ConvBlock(5, k, strides=stride, padding=pad, norm=norm, activation=act), x)
    conv = block.conv_layer
    y = ref.conv2d(x.astype(np.float64), conv.kernel.numpy(), conv.bias.numpy(), stride, pad)
    if norm == "instance":
        y = ref.instance_norm(y)
    if norm == "batch":  # inference: moving stats are 0/1 at init
        y = y / np.sqrt(1 + 1e-5)
    if act == "lrelu":
        y = np.where(y > 0, y, 0.2 * y)
    if act == "relu":
        y = np.maximum(y, 0)
    np.testing.assert_allclose(block(x, training=False), y, atol=1e-4)


@pytest.mark.parametrize("k,stride,pad,out_pad", [(3, 2, 1, 1), (4, 2, 1, 0), (3, 1, 1, 0)])
def test_transposed_conv_block_matches_torch_semantics(k, stride, pad, out_pad):
    x = _x(2, 5, 4, 3)
    block = check_layer(lambda: ConvBlock(4, k, strides=stride, padding=pad, transpose=True,
                                          output_padding=out_pad), x)
    conv = block.conv_layer
    expected = ref.conv_transpose2d(x.astype(np.float64), conv.kernel.numpy(), conv.bias.numpy(),
                                    stride, pad, out_pad)
    np.testing.assert_allclose(block(x), expected, atol=1e-4)


def test_reflect_padded_conv_uses_mirrored_border():
    x = _x(1, 6, 6, 2)
    block = ConvBlock(3, 3, padding=1, pad_mode="reflect")
    y = block(x)
    conv = block.conv_layer
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    np.testing.assert_allclose(y, ref.conv2d(padded, conv.kernel.numpy(), conv.bias.numpy(), 1, 0), atol=1e-4)


def test_spectral_norm_block_has_unit_spectral_norm_after_training_calls():
    x = _x(2, 8, 8, 3)
    block = check_layer(lambda: ConvBlock(6, 3, padding=1, spectral_norm=True), x)
    for _ in range(30):
        block(x, training=True)
    kernel = block.conv.normalized_kernel().numpy().reshape(-1, 6)  # the eval weight, W / sigma(u, v)
    assert abs(np.linalg.svd(kernel, compute_uv=False)[0] - 1.0) < 1e-2


def test_layer_norm_block_and_prelu_serialize():
    check_layer(lambda: ConvBlock(4, 3, padding=1, pad_mode="replicate", norm="layer",
                                  activation="prelu"), _x(1, 6, 6, 2))


def test_conv_block_rejects_bad_options():
    with pytest.raises(ValueError, match="norm"):
        ConvBlock(4, 3, norm="group")
    with pytest.raises(ValueError, match="padding mode"):
        ConvBlock(4, 3, padding=1, pad_mode="circular")
    with pytest.raises(ValueError, match="output_padding"):
        ConvBlock(4, 3, strides=2, padding=0, transpose=True, output_padding=1)


@pytest.mark.parametrize("scale,h,w", [(2.0, 5, 3), (0.5, 8, 6), (3.0, 2, 4)])
def test_nearest_resize_matches_torch_index_rule(scale, h, w):
    x = _x(1, h, w, 2)
    layer = check_layer(lambda: Resize(scale, "nearest"), x)
    oh, ow = int(h * scale), int(w * scale)
    rows = np.minimum(np.floor(np.arange(oh) * h / oh).astype(int), h - 1)
    cols = np.minimum(np.floor(np.arange(ow) * w / ow).astype(int), w - 1)
    np.testing.assert_array_equal(layer(x), x[:, rows][:, :, cols])


@pytest.mark.parametrize("method,align", [("bilinear", False), ("bilinear_align_corners", True)])
def test_bilinear_resize_matches_torch_formula(method, align):
    x = _x(2, 4, 5, 3)
    layer = check_layer(lambda: Resize(2.0, method), x)
    np.testing.assert_allclose(layer(x), ref.bilinear_resize(x, 8, 10, align), atol=1e-5)


def test_resize_traces_with_dynamic_size_and_follows_a_reference_tensor():
    layer = Resize(method="bilinear")
    fn = tf.function(lambda a, b: layer(a, like=b),
                     input_signature=[tf.TensorSpec([None, None, None, 3]), tf.TensorSpec([None, None, None, 1])])
    out = fn(tf.zeros([2, 4, 6, 3]), tf.zeros([2, 7, 9, 1]))
    assert out.shape == (2, 7, 9, 3)


def test_image_pool_stores_first_images_then_swaps_at_most_half():
    pool = ImagePool(pool_size=4, seed=3)
    first = tf.constant(np.arange(4, dtype=np.float32).reshape(4, 1, 1, 1) * np.ones((4, 2, 2, 1), np.float32))
    np.testing.assert_array_equal(pool(first), first)
    np.testing.assert_array_equal(pool.images.numpy()[:, 0, 0, 0], [0, 1, 2, 3])
    returned = []
    for step in range(50):
        new = tf.fill([2, 2, 2, 1], 100.0 + step)
        out = pool(new).numpy()[:, 0, 0, 0]
        returned.extend(out)
    returned = np.array(returned)
    from_pool = returned < 100
    swapped = np.mean(returned != np.repeat(100.0 + np.arange(50), 2))
    assert 0.3 < swapped < 0.7  # p = 0.5 per image
    assert from_pool.any()
    assert int(pool.count.numpy()) == 4


def test_image_pool_of_size_zero_is_identity_and_serializes():
    x = _x(2, 3, 3, 1)
    np.testing.assert_array_equal(ImagePool(0)(x), x)
    assert ImagePool.from_config(ImagePool(7, seed=2).get_config()).pool_size == 7


def test_sync_batch_norm_option_builds_synchronized_layer():
    block = ConvBlock(4, 3, padding=1, norm="sync_batch")
    block(_x(2, 4, 4, 2))
    assert isinstance(block.norm, keras.layers.BatchNormalization) and block.norm.synchronized


def test_leaky_relu_matches_keras_in_value_and_gradient():
    x = RNG_LRELU.normal(size=(2, 5, 6, 3)).astype(np.float32)
    dy = RNG_LRELU.normal(size=x.shape).astype(np.float32)
    ours, reference = LeakyReLU(0.2), keras.layers.LeakyReLU(negative_slope=0.2)
    results = []
    for layer in (ours, reference):
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
        results.append((y.numpy(), tape.gradient(y, xt, output_gradients=dy).numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    check_layer(lambda: LeakyReLU(0.2), x)


def test_leaky_relu_lets_grappler_fuse_conv_bias_activation_in_a_train_step():
    """The stock LeakyReluGrad reads the BiasAdd, which makes TF's remapper give up on the graph."""
    conv, act = keras.layers.Conv2D(4, 3), LeakyReLU(0.2)
    x = tf.random.normal([1, 8, 8, 2])

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(act(conv(x)))
        return tape.gradient(loss, conv.trainable_variables)

    graph = step.get_concrete_function(x).graph.as_graph_def()
    op_of = {node.name: node.op for node in graph.node}
    grads = [node for node in graph.node if node.op == "LeakyReluGrad"]
    assert grads and all(op_of[node.input[1].split(":")[0]] == "LeakyRelu" for node in grads)  # never the BiasAdd
    for a, b in zip(step(x), _reference_step_grads(conv, x), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


def _reference_step_grads(conv, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.leaky_relu(conv(x), 0.2))
    return tape.gradient(loss, conv.trainable_variables)


def test_leaky_relu_refuses_a_slope_that_breaks_the_output_sign_rule():
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(0.0)


RNG_LRELU = np.random.default_rng(7)
