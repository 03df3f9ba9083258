"""A few steps on one fixed batch lower the reconstruction losses: the gradients point downhill
through the whole train_step (tapes, loss weights, optimizer wiring)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, tiny_config
from tf_i2i.training.loop import build_trainer_state, make_train_step

STEPS = 20


def _reconstruction_history(model_name: str, terms: tuple[str, ...]) -> list[float]:
    # 10x the papers' learning rate, so that 20 steps of a 4-filter net show a clear trend.
    config = tiny_config(model_name, optim__schedule="constant", optim__g_lr=2e-3, optim__d_lr=2e-3)
    keras.utils.set_random_seed(0)
    batch = fixed_batch(config)
    strategy = tf.distribute.get_strategy()
    model = build_trainer_state(config, strategy, batch)
    step = make_train_step(strategy, model)
    iterator = iter(tf.data.Dataset.from_tensors(batch).repeat())
    history = []
    for _ in range(STEPS):
        logs = step(iterator)
        history.append(sum(float(logs[t]) for t in terms))
    return history


@pytest.mark.timeout(90)
@pytest.mark.parametrize("model_name, terms", [
    ("pix2pix", ("g_l1",)),
    ("cyclegan", ("g_cycle_a", "g_cycle_b")),
])
def test_reconstruction_loss_falls(model_name, terms):
    history = _reconstruction_history(model_name, terms)
    assert np.all(np.isfinite(history)), history
    assert np.mean(history[-3:]) < 0.7 * history[0], history
