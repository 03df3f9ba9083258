"""Resuming from a checkpoint continues training exactly.

train() re-seeds the input order with the resume step (so a restart does not replay the first
batches), so an interrupted run sees other batches than an uninterrupted one. That is kept on
purpose: replaying the exact stream would mean rendering and discarding every batch before the
resume step (build_dataset has no offset), and a fresh order is statistically just as good.
To test everything else exactly, the data here is one image pair without flips or crop offsets: every batch is the
same whatever the seed. What must then carry over bit for bit: weights, both optimizers' slots and
steps, the learning-rate schedule, the CycleGAN image pools (contents, fill count, RNG) and the
dropout RNG streams.
"""

import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import latest_step, read_summaries, tiny_config
from tf_i2i.data import build_dataset
from tf_i2i.training.checkpoint import TrainCheckpoint, training_state
from tf_i2i.training.loop import build_trainer_state, train

STEPS = 4


def _config(num_steps):
    return tiny_config("cyclegan", model__pool_size=2, model__generator__use_dropout=True,
                       model__loss__lambda_identity=0.0,
                       data__synthetic__num_images=1, data__synthetic__image_size=32,
                       data__load_size=32, data__flip=False, train__num_steps=num_steps,
                       train__checkpoint_every=STEPS // 2)


def _state(model) -> list[tuple[str, np.ndarray]]:
    """(path, value) of every variable a run carries: model (networks, pools, RNGs) and both
    optimizers, in creation order (paths of RNG states differ between instances, order does not)."""
    variables = model.variables + model.g_optimizer.variables + model.d_optimizer.variables
    return [(v.path, np.array(v.numpy())) for v in variables]


def _assert_same_state(got, expected, atol=0.0):
    assert len(got) == len(expected) > 0
    for (_, value), (path, reference) in zip(got, expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=0, atol=atol, err_msg=path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """An uninterrupted run, and a restart in a fresh folder from the checkpoint it wrote half way
    (what a run stopped at STEPS // 2 leaves, without paying for a third traced run)."""
    straight_dir, split_dir = tmp_path_factory.mktemp("straight"), tmp_path_factory.mktemp("split")
    straight = train(_config(STEPS), straight_dir)
    (split_dir / "checkpoints").mkdir()
    for path in (straight_dir / "checkpoints").glob(f"ckpt-{STEPS // 2}.*"):
        shutil.copy(path, split_dir / "checkpoints")
    tf.compat.v1.train.update_checkpoint_state(str(split_dir / "checkpoints"), f"ckpt-{STEPS // 2}")
    resumed = train(_config(STEPS), split_dir)
    return straight, resumed, split_dir


def test_data_is_the_same_for_every_seed():
    """The precondition of the exactness test below."""
    cfg = _config(STEPS).data
    a, b = (next(iter(build_dataset(cfg, batch_size=2, seed=s, deterministic=True))) for s in (0, 7))
    for key in ("A", "B"):
        np.testing.assert_array_equal(a[key], b[key])
        np.testing.assert_array_equal(a[key][0], a[key][1])


@pytest.mark.timeout(180)
def test_split_run_ends_exactly_where_the_straight_run_does(runs):
    straight, resumed, split_dir = runs
    assert (straight.step, resumed.step, latest_step(split_dir)) == (STEPS, STEPS, STEPS)
    # Seeded init and constant data would make a silent restart from 0 match too: the resumed
    # run must have logged only the steps after the checkpoint.
    scalars, _ = read_summaries(split_dir / "logs")
    assert sorted(scalars["loss/g_cycle_a"]) == list(range(STEPS // 2 + 1, STEPS + 1))
    _assert_same_state(_state(resumed.model), _state(straight.model), atol=1e-6)


@pytest.mark.timeout(180)
def test_checkpoint_round_trip_restores_every_variable(runs):
    """A fresh, differently seeded model restores all state, RNGs and pools included."""
    _, resumed, split_dir = runs
    config = _config(STEPS)
    keras.utils.set_random_seed(123)
    sample = next(iter(build_dataset(config.data, batch_size=2, seed=0, deterministic=True)))
    fresh = build_trainer_state(config, resumed.model.distribute_strategy, sample)
    trained, before = _state(resumed.model), _state(fresh)
    rng_and_pools = [i for i, (path, _) in enumerate(trained) if "seed_generator" in path or "pool_" in path]
    assert len(rng_and_pools) == 2 + 6, "expected 2 dropout RNG states and 2 pools x 3 variables"
    unchanged = [trained[i][0] for i in rng_and_pools if np.array_equal(before[i][1], trained[i][1])]
    assert not unchanged, f"{unchanged} equal in a fresh model: the round trip would prove nothing"
    assert TrainCheckpoint(split_dir, training_state(fresh)).restore_latest().endswith(f"ckpt-{STEPS}")
    _assert_same_state(_state(fresh), trained)
