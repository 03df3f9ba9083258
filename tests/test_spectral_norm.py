"""SpectralNorm against torch.nn.utils.spectral_norm's definition (numpy power iteration and
sigma = u . W v), its gradient through sigma, the shared layer checks and MirroredStrategy."""

import json
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests import reference_ops as ref
from tests.helpers_training import run_bounded
from tests.layer_checks import check_layer
from tf_i2i.layers import ConvBlock, SpectralNorm

RNG = np.random.default_rng(0)


def _unit(n: int) -> np.ndarray:
    x = RNG.normal(size=n)
    return (x / np.linalg.norm(x)).astype(np.float32)


def _conv_sn(x_shape=(2, 7, 6, 3), filters=4, k=3, **options):
    """A built SpectralNorm(Conv2D, **options) with random bias and random unit u, v; returns it and x."""
    layer = SpectralNorm(keras.layers.Conv2D(filters, k), **options)
    x = RNG.normal(size=x_shape).astype(np.float32)
    layer.build(x.shape)
    layer.layer.bias.assign(RNG.normal(size=filters).astype(np.float32))
    layer.u.assign(_unit(filters))
    layer.v.assign(_unit(k * k * x_shape[-1]))
    return layer, x


def _matrix(kernel: np.ndarray) -> np.ndarray:
    return kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)


def _power_iteration(w: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's one step on W = w.T ([out, in]): v = normalize(W^T u), u = normalize(W v)."""
    v = w @ u
    v = v / max(np.linalg.norm(v), 1e-12)
    u = v @ w
    return u / max(np.linalg.norm(u), 1e-12), v


def test_eval_forward_is_conv_with_weight_orig_over_sigma_and_keeps_u_v():
    layer, x = _conv_sn()
    kernel, u, v = layer.layer.kernel.numpy(), layer.u.numpy(), layer.v.numpy()
    sigma = v @ _matrix(kernel) @ u
    expected = ref.conv2d(x.astype(np.float64), kernel / sigma, layer.layer.bias.numpy(), 1, 0)
    np.testing.assert_allclose(layer(x, training=False), expected, atol=1e-5)
    np.testing.assert_array_equal(layer.u.numpy(), u)
    np.testing.assert_array_equal(layer.v.numpy(), v)


def test_dense_eval_forward_is_matmul_with_weight_orig_over_sigma():
    layer = SpectralNorm(keras.layers.Dense(3, activation="relu"))
    x = RNG.normal(size=(4, 5)).astype(np.float32)
    layer.build(x.shape)
    kernel, u, v = layer.layer.kernel.numpy(), layer.u.numpy(), layer.v.numpy()
    np.testing.assert_allclose(np.linalg.norm(u), 1, rtol=1e-6)  # torch's init: normalised normal
    expected = np.maximum(x @ (kernel / (v @ _matrix(kernel) @ u)), 0)
    np.testing.assert_allclose(layer(x), expected, atol=1e-5, rtol=1e-5)


def test_training_call_runs_one_power_iteration_and_leaves_the_kernel():
    layer, x = _conv_sn()
    kernel, bias = layer.layer.kernel.numpy(), layer.layer.bias.numpy()
    u, v = _power_iteration(_matrix(kernel), layer.u.numpy().astype(np.float64))
    y = layer(x, training=True)
    np.testing.assert_allclose(layer.u.numpy(), u, atol=1e-6)
    np.testing.assert_allclose(layer.v.numpy(), v, atol=1e-6)
    np.testing.assert_array_equal(layer.layer.kernel.numpy(), kernel)
    expected = ref.conv2d(x.astype(np.float64), kernel / (v @ _matrix(kernel) @ u), bias, 1, 0)
    np.testing.assert_allclose(y, expected, atol=1e-5)


@pytest.mark.parametrize("variant, calls", [("torch", (True,)), ("munit", (None, False, True))])
def test_each_updating_call_is_one_step_with_its_variants_normalisation(variant, calls):
    """torch: x / max(|x|, eps), in training calls only; MUNIT's wrapper: x / (|x| + eps), in every
    call. A large eps tells the two apart."""
    eps = 0.5
    normalize = {"torch": lambda x: x / max(np.linalg.norm(x), eps), "munit": lambda x: x / (np.linalg.norm(x) + eps)}
    layer, x = _conv_sn(eps=eps, variant=variant)
    w = _matrix(layer.layer.kernel.numpy())
    for training in calls:
        v = normalize[variant](w @ layer.u.numpy().astype(np.float64))
        u = normalize[variant](v @ w)
        y = layer(x, training=training)
        np.testing.assert_allclose(layer.u.numpy(), u, atol=1e-6)
        np.testing.assert_allclose(layer.v.numpy(), v, atol=1e-6)
        kernel = layer.layer.kernel.numpy() / (v @ w @ u)
        np.testing.assert_allclose(y, ref.conv2d(x.astype(np.float64), kernel, layer.layer.bias.numpy(), 1, 0), atol=1e-5)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown spectral-norm variant 'tf'"):
        SpectralNorm(keras.layers.Conv2D(2, 3), variant="tf")


def test_kernel_gradient_flows_through_sigma_like_torch():
    layer, x = _conv_sn()
    upstream = tf.constant(RNG.normal(size=(2, 5, 4, 4)).astype(np.float32))
    kernel0, bias = layer.layer.kernel.numpy(), layer.layer.bias.numpy()
    u, v = _power_iteration(_matrix(kernel0), layer.u.numpy().astype(np.float64))
    u, v = tf.constant(u, tf.float32), tf.constant(v, tf.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x, training=True) * upstream)
    got = tape.gradient(loss, layer.layer.kernel.value).numpy()

    def reference(with_sigma_gradient: bool) -> np.ndarray:
        w = tf.Variable(kernel0)
        with tf.GradientTape() as t:
            sigma = tf.reduce_sum(v * tf.linalg.matvec(tf.reshape(w, (-1, 4)), u))  # v . (W^T u) = u . (W v)
            if not with_sigma_gradient:
                sigma = tf.stop_gradient(sigma)
            y = tf.nn.conv2d(x, w / sigma, 1, "VALID") + bias
            ref_loss = tf.reduce_sum(y * upstream)
        return t.gradient(ref_loss, w).numpy()

    np.testing.assert_allclose(got, reference(True), atol=1e-4, rtol=1e-4)
    assert np.max(np.abs(got - reference(False))) > 1e-2, "the sigma term must change the gradient"


def test_shared_checks_conv_dense_and_conv_block():
    x = RNG.normal(size=(2, 7, 6, 3)).astype(np.float32)
    # A fresh layer's random u, v (torch's init too) give a small sigma, so outputs reach ~100 and
    # bfloat16's 8-bit mantissa alone is ~0.3 off there.
    bf16 = {"bf16_atol": 1.0}
    check_layer(lambda: SpectralNorm(keras.layers.Conv2D(4, 3, activation="relu")), x, **bf16)
    check_layer(lambda: SpectralNorm(keras.layers.Dense(5), power_iterations=2), RNG.normal(size=(3, 6)), **bf16)
    block = check_layer(lambda: ConvBlock(4, 3, padding=1, spectral_norm=True, activation="lrelu"), x, **bf16)
    assert isinstance(block.conv, SpectralNorm) and block.conv_layer is block.conv.layer
    munit = check_layer(lambda: ConvBlock(4, 3, padding=1, spectral_norm=True, spectral_norm_variant="munit"), x,
                        **bf16)
    assert munit.conv.variant == "munit"


def test_training_under_mixed_bfloat16_keeps_float32_state():
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        layer = SpectralNorm(keras.layers.Conv2D(4, 3))
        y = layer(RNG.normal(size=(1, 5, 5, 3)).astype(np.float32), training=True)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    assert y.dtype == tf.bfloat16
    assert {w.dtype for w in layer.weights} == {"float32"}


@pytest.mark.parametrize("layer", [keras.layers.Conv2DTranspose(2, 3), keras.layers.DepthwiseConv2D(3),
                                   keras.layers.Conv2D(2, 3, data_format="channels_first")])
def test_refuses_layers_it_cannot_normalise(layer):
    with pytest.raises(ValueError, match="SpectralNorm"):
        SpectralNorm(layer)


@pytest.mark.timeout(300)
def test_two_replicas_update_kernel_u_v_like_one_device():
    proc = run_bounded([sys.executable, "-m", "tests.helpers_spectral_norm_mirrored"], timeout=240)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    r = json.loads(lines[-1][len("RESULTS "):])
    assert r["replicas"] == 2
    # The step moved the kernel, and u, v with it (they start converged, so they move less).
    assert r["update"]["kernel"] > 1e-2 and min(r["update"]["u"], r["update"]["v"]) > 1e-4, r
    assert max(r["diff"].values()) < 1e-5, r
    assert max(r["copy_spread"].values()) == 0, r  # both replicas' copies of u, v were written
