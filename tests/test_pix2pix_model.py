"""pix2pix's training step (official optimize_parameters): D is updated first on the fake and the
real pair, then G is scored by the UPDATED D plus lambda_L1 * |G(A) - B|; the L1 term falls when
training on one batch; the endpoint is the generator in inference mode."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, snapshot, tiny_config
from tf_i2i.registry import build_model
from tf_i2i.training.loop import build_trainer_state


def _bce_with_logits(logits: np.ndarray, target: float) -> float:
    """torch BCEWithLogitsLoss, mean over every logit (one example per batch row averaged)."""
    x = logits.astype(np.float64)
    return float(np.mean(np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))))


def _trainer(**overrides):
    keras.utils.set_random_seed(0)
    config = tiny_config("pix2pix", train__batch_size=1, **overrides)
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    return build_trainer_state(config, tf.distribute.get_strategy(), batch), batch


@pytest.fixture()
def model_and_batch():
    return _trainer()


def test_d_step_first_then_g_against_the_updated_d(model_and_batch):
    model, batch = model_and_batch
    a, b = batch["A"], batch["B"]
    fake_before = model.generator(a, training=True).numpy()  # no dropout in the tiny config
    d_real_before = model.discriminator(tf.concat([a, b], -1), training=True).numpy()
    g_before = snapshot(model.g_variables)

    logs = {k: float(v) for k, v in model.train_step(batch).items()}

    # D's terms use the weights from before its update; G's GAN term the weights after it.
    assert logs["d_real"] == pytest.approx(_bce_with_logits(d_real_before, 1.0), rel=1e-4)
    d_after = model.discriminator(tf.concat([a, fake_before], -1), training=True).numpy()
    assert logs["g_gan"] == pytest.approx(_bce_with_logits(d_after, 1.0), rel=1e-4)
    assert logs["g_l1"] == pytest.approx(float(np.mean(np.abs(fake_before - b.numpy()))), rel=1e-4)
    assert any(np.abs(x - y).max() > 0 for x, y in zip(g_before, snapshot(model.g_variables), strict=True))


def test_l1_falls_on_a_fixed_batch():
    model, batch = _trainer(optim__g_lr=2e-3, optim__d_lr=2e-3)
    step = tf.function(model.train_step)
    l1 = [float(step(batch)["g_l1"]) for _ in range(25)]
    assert np.mean(l1[-3:]) < 0.8 * np.mean(l1[:3]), l1


def test_serve_endpoint_is_the_generator_in_inference_mode():
    keras.utils.set_random_seed(0)
    config = tiny_config("pix2pix", model__generator__use_dropout=True)
    model = build_model(config)
    model.build_generators()
    (endpoint,) = model.export_endpoints()
    image = tf.random.uniform([1, 32, 32, 3], -1.0, 1.0, seed=1)
    out = endpoint.fn(image)
    np.testing.assert_allclose(out, model.generator(image, training=False), atol=1e-6)
    np.testing.assert_allclose(out, endpoint.fn(image), atol=0)  # dropout off: the same output twice
