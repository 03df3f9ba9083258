"""UNIT's data: the official loader's resize (shorter side to new_size, aspect kept, then a random
crop), and the real GTA5 -> Cityscapes sample images the official repository ships (one step of a
tiny UNIT on them)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import tiny_config
from tf_i2i.data import build_dataset
from tf_i2i.data.augment import _target_size, augment
from tf_i2i.data.config import default_data_config
from tf_i2i.training.loop import build_trainer_state


@pytest.mark.parametrize("height, width, size", [(512, 933, (64, 116)), (512, 1024, (64, 128)),
                                                 (90, 37, (155, 64)), (64, 64, (64, 64))])
def test_shorter_side_goes_to_load_size_and_the_other_keeps_the_aspect(height, width, size):
    cfg = default_data_config()
    cfg.update(preprocess="scale_shorter_side_and_crop", load_size=64, crop_size=48)
    assert tuple(_target_size(tf.constant(height), tf.constant(width), cfg).numpy()) == size  # truncated
    out = augment({"A": tf.zeros([height, width, 3])}, cfg, tf.constant([0, 1], tf.int64))["A"]
    assert out.shape == (48, 48, 3)


@pytest.fixture
def gta2city(shared_dir):
    root = shared_dir / "data/UNIT/datasets/gta2city"
    if not (root / "trainA").is_dir():
        pytest.skip(f"{root} holds no trainA/")
    return root


def test_trains_a_step_on_the_official_gta2city_samples(gta2city):
    config = tiny_config("unit", data__source=str(gta2city), data__preprocess="scale_shorter_side_and_crop",
                         data__load_size=48, data__crop_size=32)
    batch = next(iter(build_dataset(config.data, batch_size=2, seed=0)))
    for domain in ("A", "B"):  # GTA5 frames 933x512, Cityscapes photos 1024x512: both cropped to 32x32
        x = batch[domain].numpy()
        assert x.shape == (2, 32, 32, 3) and -1.0 <= x.min() < x.max() <= 1.0
        assert x.std() > 0.05  # pictures, not a constant
    model = build_trainer_state(config, tf.distribute.get_strategy(), batch)
    logs = model.train_step(batch)
    assert all(np.isfinite(float(v)) for v in logs.values())
    assert model.translate(batch["A"]).shape == (2, 32, 32, 3)
