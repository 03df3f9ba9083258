"""TFDS source, tested with tfds.testing.mock_data only (never downloads)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_data import data_cfg
from tf_i2i.data import DatasetError, build_dataset

tfds = pytest.importorskip("tensorflow_datasets", reason="optional dependency tensorflow-datasets not installed")


def test_cycle_gan_unpaired_splits():
    cfg = data_cfg(source="tfds:cycle_gan/horse2zebra", layout="unpaired")
    with tfds.testing.mock_data(num_examples=5):
        batches = list(build_dataset(cfg, batch_size=2, repeat=False, drop_remainder=False, deterministic=True))
    assert [b["A"].shape[0] for b in batches] == [2, 2, 1]
    for b in batches:
        for key in ("A", "B"):
            assert b[key].shape[1:] == (32, 32, 3) and b[key].dtype == tf.float32
            assert float(tf.reduce_min(b[key])) >= -1.0 and float(tf.reduce_max(b[key])) <= 1.0


def test_unknown_feature_is_named():
    cfg = data_cfg(source="tfds:cycle_gan/horse2zebra", layout="unpaired", **{"tfds.b_key": "photo"})
    with tfds.testing.mock_data(num_examples=2), pytest.raises(DatasetError, match="no feature 'photo'"):
        build_dataset(cfg, batch_size=1)


def _pets(ids: np.ndarray):
    """A mock as_dataset for oxford_iiit_pet with equal-size image and segmentation mask."""

    def as_dataset(self, *args, **kwargs):
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, size=(3, 24, 40, 3), dtype=np.uint8)
        masks = np.broadcast_to(ids, (3, 24, 40, 1)).astype(np.uint8)
        return tf.data.Dataset.from_tensor_slices({"image": images, "segmentation_mask": masks})

    return as_dataset


def test_labels_layout_from_paired_features():
    ids = np.array([0, 1, 2, 255] * 10, np.uint8).reshape(1, 40, 1)
    cfg = data_cfg(
        source="tfds:oxford_iiit_pet", layout="labels", num_classes=3, dontcare_label=255, preprocess="none", flip=False
    )
    with tfds.testing.mock_data(as_dataset_fn=_pets(ids)):
        batch = next(iter(build_dataset(cfg, batch_size=3, shuffle=False, deterministic=True)))
    assert batch["label"].shape == (3, 24, 40, 1) and batch["label"].dtype == tf.int32
    assert batch["image"].shape == (3, 24, 40, 3)
    np.testing.assert_array_equal(batch["label"][0, 0, :4, 0], [0, 1, 2, 3])  # 255 -> extra class 3


def test_label_id_out_of_range_fails_when_read():
    ids = np.full((1, 40, 1), 7, np.uint8)
    cfg = data_cfg(source="tfds:oxford_iiit_pet", layout="labels", num_classes=3)
    with (
        tfds.testing.mock_data(as_dataset_fn=_pets(ids)),
        pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"),
    ):
        next(iter(build_dataset(cfg, batch_size=1)))


def test_missing_tensorflow_datasets_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)  # makes the import fail
    with pytest.raises(DatasetError, match="pip install tensorflow-datasets"):
        build_dataset(data_cfg(source="tfds:cycle_gan/horse2zebra", layout="unpaired"), batch_size=1)
