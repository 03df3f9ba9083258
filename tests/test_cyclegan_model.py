"""CycleGAN's training step (official optimize_parameters): the generators' cycle, identity and LSGAN
terms from the weights before the step; the discriminators judge the fakes made before G's update;
identity terms only with lambda_identity > 0; both directions exported."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, tiny_config
from tf_i2i.training.loop import build_trainer_state


def _trainer(**overrides):
    keras.utils.set_random_seed(0)
    config = tiny_config("cyclegan", train__batch_size=1, **overrides)
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    return build_trainer_state(config, tf.distribute.get_strategy(), batch), batch, config.model.loss


def _mse(x, target: float) -> float:
    return float(np.mean((np.asarray(x, np.float64) - target) ** 2))


def _l1(x, y) -> float:
    return float(np.mean(np.abs(np.asarray(x, np.float64) - np.asarray(y))))


def test_terms_follow_the_official_order():
    model, batch, loss = _trainer()
    a, b = batch["A"], batch["B"]
    fake_b, fake_a = model.gen_ab(a, training=True), model.gen_ba(b, training=True)
    expected = {
        "g_gan_ab": _mse(model.disc_b(fake_b, training=True), 1.0),
        "g_cycle_a": loss.lambda_A * _l1(model.gen_ba(fake_b, training=True), a),
        "g_cycle_b": loss.lambda_B * _l1(model.gen_ab(fake_a, training=True), b),
        "g_idt_a": loss.lambda_identity * loss.lambda_B * _l1(model.gen_ab(b, training=True), b),
        # pool_size 0: the discriminators see this step's fakes, made before G's update
        "d_b_fake": _mse(model.disc_b(fake_b, training=True), 0.0),
        "d_a_real": _mse(model.disc_a(a, training=True), 1.0),
    }
    logs = {k: float(v) for k, v in model.train_step(batch).items()}
    for name, value in expected.items():
        assert logs[name] == pytest.approx(value, rel=1e-4), name


@pytest.mark.parametrize("lambda_identity, has_identity", [(0.5, True), (0.0, False)])
def test_identity_terms_only_when_weighted(lambda_identity, has_identity):
    model, batch, _ = _trainer(model__loss__lambda_identity=lambda_identity)
    logs = model.train_step(batch)
    assert ({"g_idt_a", "g_idt_b"} <= set(logs)) == has_identity


def test_both_directions_are_exported():
    model, batch, _ = _trainer(data__b_channels=1, model__output_nc=1)
    endpoints = {e.name: e for e in model.export_endpoints()}
    assert set(endpoints) == {"serve", "serve_b2a"}
    np.testing.assert_allclose(endpoints["serve"].fn(batch["A"]), model.gen_ab(batch["A"], training=False), atol=1e-6)
    np.testing.assert_allclose(endpoints["serve_b2a"].fn(batch["B"]), model.gen_ba(batch["B"], training=False),
                               atol=1e-6)
    assert endpoints["serve"].fn(batch["A"]).shape[-1] == 1 and endpoints["serve_b2a"].fn(batch["B"]).shape[-1] == 3
