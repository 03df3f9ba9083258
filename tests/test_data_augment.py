"""Joint augmentation keeps every part of a sample aligned; label one-hot encoding."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_data import data_cfg
from tf_i2i.data import one_hot_labels
from tf_i2i.data.augment import augment

PALETTE = np.random.default_rng(0).uniform(-1, 1, size=(6, 3)).astype(np.float32)
H, W = 37, 53  # non-square, odd sizes


def _sample() -> dict[str, tf.Tensor]:
    """Blocky label map (asymmetric), instance ids label * 1000 + k, and image = PALETTE[label]."""
    rng = np.random.default_rng(1)
    label = np.kron(rng.integers(0, 6, size=(5, 7)), np.ones((8, 8), np.int64))[:H, :W]
    label[:, :4] = 5  # breaks left-right symmetry
    instance = label * 1000 + (np.arange(W)[None, :] // 13)
    return {
        "label": tf.constant(label[..., None], tf.int32),
        "instance": tf.constant(instance[..., None], tf.int32),
        "image": tf.constant(PALETTE[label]),
    }


def _interior(label: np.ndarray) -> np.ndarray:
    """Pixels whose 3x3 neighbourhood has one label (resampling cannot mix colours there), border excluded."""
    pad = np.pad(label, 1, constant_values=-1)  # the border has unseen neighbours
    views = [pad[dy : dy + label.shape[0], dx : dx + label.shape[1]] for dy in range(3) for dx in range(3)]
    return np.all([v == label for v in views], axis=0)


def _aligned(out: dict[str, tf.Tensor], exact: bool) -> None:
    label = out["label"].numpy()[..., 0]
    image = out["image"].numpy()
    np.testing.assert_array_equal(out["instance"].numpy()[..., 0] // 1000, label)  # maps share the sampling
    where = np.ones_like(label, bool) if exact else _interior(label)
    assert where.mean() > 0.5
    np.testing.assert_allclose(image[where], PALETTE[label][where], atol=1e-5)


@pytest.mark.parametrize("preprocess", ["crop", "none"])
def test_crop_and_flip_keep_image_and_labels_pixel_exact(preprocess):
    cfg = data_cfg(preprocess=preprocess, crop_size=24, flip=True)
    flipped = 0
    for seed in range(12):
        out = augment(_sample(), cfg, tf.constant([seed, 0], tf.int64))
        _aligned(out, exact=True)
        if preprocess == "none":
            label = out["label"].numpy()[..., 0]
            flipped += np.array_equal(label, _sample()["label"].numpy()[:, ::-1, 0])
    if preprocess == "none":
        assert 0 < flipped < 12  # both outcomes occur


@pytest.mark.parametrize("preprocess", ["resize_and_crop", "scale_width_and_crop", "scale_width", "resize"])
def test_resizing_keeps_image_and_labels_aligned(preprocess):
    cfg = data_cfg(preprocess=preprocess, load_size=72, crop_size=40, flip=True)
    for seed in range(6):
        _aligned(augment(_sample(), cfg, tf.constant([seed, 3], tf.int64)), exact=False)


def test_the_alignment_check_catches_a_one_sided_flip():
    out = augment(_sample(), data_cfg(preprocess="none", flip=False), tf.constant([0, 0], tf.int64))
    out["image"] = tf.reverse(out["image"], axis=[1])
    with pytest.raises(AssertionError):
        _aligned(out, exact=True)


@pytest.mark.parametrize(
    "preprocess, shape",
    [
        ("resize_and_crop", (32, 32)),
        ("crop", (32, 32)),
        ("scale_width_and_crop", (32, 32)),
        ("scale_width", (28, 40)),  # 37 * 40 / 53 = 27.9
        ("resize", (32, 32)),
        ("none", (H, W)),
    ],
)
def test_output_sizes_with_dynamic_input_shapes(preprocess, shape):
    cfg = data_cfg(preprocess=preprocess)  # load_size 40, crop_size 32

    @tf.function(input_signature=[tf.TensorSpec([None, None, 1], tf.int32), tf.TensorSpec([None, None, 3], tf.float32)])
    def run(label, image):
        return augment({"label": label, "image": image}, cfg, tf.constant([1, 2], tf.int64))

    sample = _sample()
    out = run(sample["label"], sample["image"])
    assert out["label"].shape[:2] == shape and out["image"].shape[:2] == shape
    assert out["label"].dtype == tf.int32 and out["image"].dtype == tf.float32
    assert float(tf.reduce_max(tf.abs(out["image"]))) <= 1.0


def test_same_seed_same_augmentation_other_seed_differs():
    cfg = data_cfg(preprocess="resize_and_crop", load_size=64, crop_size=32)
    a = augment(_sample(), cfg, tf.constant([4, 4], tf.int64))["image"].numpy()
    b = augment(_sample(), cfg, tf.constant([4, 4], tf.int64))["image"].numpy()
    others = [augment(_sample(), cfg, tf.constant([4, s], tf.int64))["image"].numpy() for s in range(5, 9)]
    np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, o) for o in others)


def test_crop_larger_than_image_fails_loudly():
    cfg = data_cfg(preprocess="crop", crop_size=64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="crop_size 64"):
        augment(_sample(), cfg, tf.constant([0, 0], tf.int64))


def test_one_hot_without_dontcare():
    label = tf.constant([[[[0], [2]], [[1], [1]]]], tf.int32)  # [1, 2, 2, 1]
    hot = one_hot_labels(label, num_classes=3)
    assert hot.shape == (1, 2, 2, 3) and hot.dtype == tf.float32
    np.testing.assert_array_equal(tf.argmax(hot, -1).numpy(), label.numpy()[..., 0])
    np.testing.assert_array_equal(tf.reduce_sum(hot, -1).numpy(), np.ones((1, 2, 2)))


def test_one_hot_with_dontcare_uses_an_extra_channel():
    raw = tf.constant([[[0], [255]], [[2], [3]]], tf.int32)  # [2, 2, 1]; 3 = dontcare already remapped
    hot = one_hot_labels(raw, num_classes=3, dontcare_label=255)
    assert hot.shape == (2, 2, 4)
    np.testing.assert_array_equal(tf.argmax(hot, -1).numpy(), [[0, 3], [2, 3]])
    np.testing.assert_array_equal(tf.reduce_sum(hot, -1).numpy(), np.ones((2, 2)))
    # Without a dontcare label 255 is not a class: its pixel is all zeros.
    assert float(tf.reduce_sum(one_hot_labels(raw, num_classes=3)[0, 1])) == 0.0
