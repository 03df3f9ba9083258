"""SPADE's train_step and synthesis: losses that fall, the VAE path, input modes, styles from z."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, max_abs_diff, snapshot, tiny_config
from tf_i2i.training.loop import build_trainer_state, make_train_step

STRATEGY = tf.distribute.get_strategy()


def _trainer(**overrides):
    config = tiny_config("spade", **overrides)
    keras.utils.set_random_seed(0)
    batch = fixed_batch(config)
    model = build_trainer_state(config, STRATEGY, batch)
    step = make_train_step(STRATEGY, model)
    return model, step, iter(tf.data.Dataset.from_tensors(batch).repeat()), batch


@pytest.mark.timeout(120)
def test_perceptual_loss_falls_and_every_term_is_logged():
    model, step, batches, _ = _trainer(model__loss__vgg_loss=True, optim__schedule="constant",
                                       optim__g_lr=1e-3, optim__d_lr=1e-3)
    history = [step(batches) for _ in range(15)]
    assert set(history[0]) == {"g_gan", "g_feat", "g_vgg", "g_kld", "d_real", "d_fake", "lr_g", "lr_d"}
    vgg = [float(logs["g_vgg"]) for logs in history]
    assert np.all(np.isfinite(vgg)) and np.mean(vgg[-3:]) < 0.8 * vgg[0], vgg


@pytest.fixture(scope="module")
def one_step():
    """The default tiny SPADE after one step (one trace for the tests below, which only read it):
    (model, that step's logs, the batch, the encoder's weights before and after the step)."""
    model, step, batches, batch = _trainer()
    before = snapshot(model.encoder.trainable_variables)
    logs = step(batches)
    return model, logs, batch, before, snapshot(model.encoder.trainable_variables)


def test_ttur_rates_are_logged(one_step):
    _, logs, _, _, _ = one_step
    assert float(logs["lr_g"]) == pytest.approx(1e-4) and float(logs["lr_d"]) == pytest.approx(4e-4)


def test_encoder_is_trained_through_the_kl_and_generator_losses(one_step):
    _, _, _, before, after = one_step
    assert max_abs_diff(before, after) > 0


@pytest.mark.parametrize("overrides", [
    {"model__generator__use_vae": False},
    {"data__use_instance": False},
    {"data__dontcare_label": 8},
    {"model__loss__gan_feat_loss": False, "model__loss__gan_mode": "lsgan"},
])
def test_input_and_loss_modes_train(overrides):
    model, step, batches, _ = _trainer(**overrides)
    logs = {k: float(v) for k, v in step(batches).items()}
    assert all(np.isfinite(v) for v in logs.values()), logs
    assert ("g_kld" in logs) == model.cfg.generator.use_vae
    assert ("g_feat" in logs) == model.cfg.loss.gan_feat_loss


def test_one_label_map_gives_a_look_per_z_and_the_same_look_for_the_same_z(one_step):
    model, _, batch, _, _ = one_step
    z_dim = model.cfg.generator.z_dim
    z1, z2 = tf.random.normal([2, z_dim], seed=1), tf.random.normal([2, z_dim], seed=2)
    first, again, other = (model.generate(batch, z=z).numpy() for z in (z1, z1, z2))
    np.testing.assert_array_equal(first, again)
    assert np.mean(np.abs(first - other)) > 1e-3
    styled, _, _ = model.encode_style(batch["image"], sample=False)
    assert styled.shape == (2, z_dim)
