"""The paper's weight sharing (generator.n_shared): the tied residual blocks are one set of variables
for both generators, stepped once per update, and checkpoints restore them."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, snapshot, tiny_config
from tests.helpers_export import write_run
from tf_i2i.export import load_trained_model
from tf_i2i.training.loop import build_trainer_state

SHARED = {"model__generator__n_res": 2, "model__generator__n_shared": 1}


def _ids(variables) -> set[int]:
    return {id(v) for v in variables}


def _tied(model) -> list:
    """The variables of the blocks gen_b borrows from gen_a: gen_a's last encoder and first decoder block."""
    return model.gen_a.enc.blocks[-1].trainable_variables + model.gen_a.dec.blocks[0].trainable_variables


@pytest.fixture(scope="module")
def model():
    config = tiny_config("unit", **SHARED)
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    return build_trainer_state(config, tf.distribute.get_strategy(), batch), batch, config.optim.g_lr


def test_tied_blocks_are_the_same_variables(model):
    unit = model[0]
    a, b = unit.gen_a, unit.gen_b
    assert b.enc.blocks[-1] is a.enc.blocks[-1] and b.dec.blocks[0] is a.dec.blocks[0]
    assert b.enc.blocks[0] is not a.enc.blocks[0] and b.dec.blocks[-1] is not a.dec.blocks[-1]
    tied = _ids(_tied(unit))
    assert tied and tied <= _ids(a.trainable_variables) and tied <= _ids(b.trainable_variables)
    assert len(unit.g_variables) == len(_ids(unit.g_variables))
    assert len(unit.g_variables) == len(a.trainable_variables) + len(b.trainable_variables) - len(tied)


def test_tied_blocks_step_once_per_update(model):
    """Adam's first step moves a weight by at most lr (bias-corrected m / sqrt(v) is +-1): a variable
    stepped twice (listed once per generator) would move up to 2 lr."""
    unit, batch, lr = model
    before = snapshot(_tied(unit))
    unit.train_step(batch)
    moves = [np.abs(a - b).max() for a, b in zip(before, snapshot(_tied(unit)), strict=True)]
    assert max(moves) <= lr * 1.001 and max(moves) > 0.5 * lr, moves


def test_checkpoint_restores_the_tied_blocks(tmp_path):
    trained = write_run(tmp_path, tiny_config("unit", **SHARED))  # generator weights moved off their init
    restored = load_trained_model(tmp_path)
    assert restored.gen_b.enc.blocks[-1] is restored.gen_a.enc.blocks[-1]
    for net_t, net_r in zip(trained.generator_networks(), restored.generator_networks(), strict=True):
        got = {v.path: v.numpy() for v in net_r.weights}
        for v in net_t.weights:
            np.testing.assert_array_equal(got[v.path], v.numpy(), err_msg=v.path)
    x = tf.random.uniform([1, 32, 32, 3], -1, 1)
    for direction in ("a2b", "b2a"):
        np.testing.assert_allclose(restored.translate(x, direction), trained.translate(x, direction), atol=1e-6)
