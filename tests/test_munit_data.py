"""MUNIT on the official sample data (../shared/data/MUNIT; skipped when absent): the demo
edges2handbags set read as unpaired trainA/ and trainB/ folders with one-channel edges, a few
training steps on it, and the released sample inputs translated in a reference handbag's style."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, fixed_batch_trainer, tiny_config
from tf_i2i.export.images import read_image
from tf_i2i.models.serving.tensors import to_float

MUNIT_DATA = "data/MUNIT"
DEMO = MUNIT_DATA + "/datasets/demo_edges2handbags"


def _overrides(shared_dir) -> dict:
    return dict(data__source=str(shared_dir / DEMO), data__a_channels=1, data__preprocess="scale_shorter_side_and_crop",
                data__load_size=40, data__crop_size=32)


def test_demo_folders_load_as_one_channel_edges_and_rgb_handbags(shared_dir):
    batch = fixed_batch(tiny_config("munit", **_overrides(shared_dir)), batch_size=4)
    edges, bags = batch["A"], batch["B"]
    assert edges.shape == (4, 32, 32, 1) and bags.shape == (4, 32, 32, 3)
    assert edges.min() >= -1 and edges.max() <= 1 and bags.min() >= -1 and bags.max() <= 1
    assert edges.mean() > 0.5  # edge maps: dark lines on white
    assert bags.std() > 0.2 and np.abs(bags[..., 0] - bags[..., 2]).mean() > 0.01  # colour photos


@pytest.mark.timeout(120)
def test_trains_on_the_demo_set_and_translates_the_released_inputs(shared_dir):
    model, step, batches, _ = fixed_batch_trainer("munit", **_overrides(shared_dir))
    for _ in range(3):
        logs = {k: float(v) for k, v in step(batches).items()}
        assert all(np.isfinite(v) for v in logs.values()), logs
    inputs = shared_dir / MUNIT_DATA / "inputs"
    edge = tf.image.resize(to_float(read_image(inputs / "edges2handbags_edge.jpg", 1)), [64, 64])[None]  # mode L
    bag = to_float(read_image(inputs / "edges2handbags_handbag.jpg", 3))[None]  # 256x256 reference
    code = model.style_code(bag, "b")
    guided = model.translate(edge, style=code).numpy()
    assert guided.shape == (1, 64, 64, 3) and np.all(np.isfinite(guided)) and np.abs(guided).max() <= 1
    np.testing.assert_allclose(model.translate(edge, style=code).numpy(), guided)
    assert model.translate(bag, "b2a").shape == (1, 256, 256, 1)
