"""VGG19Features: the official relu1_1..relu5_1 slices on raw [-1, 1] input, frozen, offline weights only."""

from __future__ import annotations

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.nets.vgg import IMAGENET_FILE, VGG19Features

X = np.random.default_rng(0).uniform(-1, 1, size=(2, 32, 48, 3)).astype(np.float32)  # non-square


def _conv3x3_relu(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Zero-padded 3x3 convolution (torch padding=1) + bias + ReLU, in numpy."""
    h, w = x.shape[1:3]
    pad = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = sum(pad[:, dy : dy + h, dx : dx + w] @ kernel[dy, dx] for dy in range(3) for dx in range(3))
    return np.maximum(out + bias, 0.0)


def _maxpool2(x: np.ndarray) -> np.ndarray:
    b, h, w, c = x.shape
    return x[:, : h // 2 * 2, : w // 2 * 2].reshape(b, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def _params(vgg: VGG19Features, name: str) -> tuple[np.ndarray, np.ndarray]:
    kernel, bias = vgg.vgg.get_layer(name).get_weights()
    return kernel.astype(np.float64), bias.astype(np.float64)


@pytest.fixture(scope="module")
def vgg() -> VGG19Features:
    keras.utils.set_random_seed(0)
    return VGG19Features(weights=None)


def test_five_relu_features_at_strides_1_to_16(vgg):
    features = vgg(X)
    assert [tuple(f.shape) for f in features] == [
        (2, 32, 48, 64), (2, 16, 24, 128), (2, 8, 12, 256), (2, 4, 6, 512), (2, 2, 3, 512)
    ]
    assert all(float(tf.reduce_min(f)) >= 0.0 for f in features)  # each slice ends in a ReLU


def test_first_two_slices_match_a_numpy_vgg_on_the_raw_input(vgg):
    """relu1_1 = features[0:2] and relu2_1 = features[2:7] of torchvision's VGG19, applied to the
    [-1, 1] images with no ImageNet normalisation (the official VGGLoss)."""
    relu1_1, relu2_1 = (f.numpy() for f in vgg(X)[:2])
    ref1 = _conv3x3_relu(X.astype(np.float64), *_params(vgg, "block1_conv1"))
    np.testing.assert_allclose(relu1_1, ref1, atol=1e-4, rtol=1e-4)
    relu1_2 = _conv3x3_relu(ref1, *_params(vgg, "block1_conv2"))
    ref2 = _conv3x3_relu(_maxpool2(relu1_2), *_params(vgg, "block2_conv1"))
    np.testing.assert_allclose(relu2_1, ref2, atol=1e-4, rtol=1e-4)


def test_frozen_but_passes_gradients_to_the_images(vgg):
    assert vgg.trainable_weights == [] and len(vgg.non_trainable_weights) == 26  # 13 convs up to conv5_1
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.add_n([tf.reduce_mean(f) for f in vgg(x)])
    grad = tape.gradient(loss, x)
    assert grad is not None and float(tf.reduce_max(tf.abs(grad))) > 0


def test_config_round_trip(vgg):
    config = vgg.get_config()
    assert config["weights"] is None and config["trainable"] is False
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(vgg))
    assert type(clone) is VGG19Features and clone.get_config()["weights"] is None
    clone.set_weights(vgg.get_weights())
    np.testing.assert_allclose(clone(X)[3], vgg(X)[3], atol=1e-5)


def test_imagenet_weights_are_never_downloaded(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="nothing is downloaded") as err:
        VGG19Features(weights="imagenet")
    assert str(tmp_path / "models" / IMAGENET_FILE) in str(err.value)
    assert "random" in str(err.value) and "path" in str(err.value)
    with pytest.raises(FileNotFoundError, match="not found"):
        VGG19Features(weights=str(tmp_path / "missing.h5"))


def _save_full_vgg19(path, legacy: bool) -> list[np.ndarray]:
    """Random weights of the whole no-top VGG19 written like Keras's file (legacy h5) or by save_weights."""
    full = keras.applications.VGG19(include_top=False, weights=None, input_shape=(None, None, 3))
    if legacy:
        from keras.src.legacy.saving import legacy_h5_format

        with h5py.File(path, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, full)
    else:
        full.save_weights(path)
    return full.get_layer("block4_conv1").get_weights()


def test_cached_imagenet_file_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    expected = _save_full_vgg19(tmp_path / "models" / IMAGENET_FILE, legacy=True)
    got = VGG19Features(weights="imagenet").vgg.get_layer("block4_conv1").get_weights()
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_weights_file_path_is_loaded(tmp_path):
    path = tmp_path / "vgg19.weights.h5"
    expected = _save_full_vgg19(path, legacy=False)
    got = VGG19Features(weights=str(path)).vgg.get_layer("block4_conv1").get_weights()
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_mixed_bfloat16(vgg):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # conftest restores float32
    mixed = VGG19Features(weights="random")
    mixed.set_weights(vgg.get_weights())
    assert all(v.dtype == "float32" for v in mixed.weights)
    for f16, f32 in zip(mixed(X), vgg(X), strict=True):
        assert f16.dtype == tf.bfloat16
        f16 = tf.cast(f16, tf.float32).numpy()
        assert np.all(np.isfinite(f16))
        scale = float(np.abs(f32).max())
        np.testing.assert_allclose(f16, f32, atol=0.05 * scale)
