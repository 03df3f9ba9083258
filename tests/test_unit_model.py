"""UNIT's training step: every official loss term logged, reconstruction learnt, noise only in
training, the KL term, weight decay, mixed bfloat16, one-channel A with three-channel B, the VGG term."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, snapshot, tiny_config
from tf_i2i.models.unit.model import latent_kl
from tf_i2i.registry import build_model
from tf_i2i.training.loop import build_trainer_state

TERMS = {"g_gan_a", "g_gan_b", "g_recon_x_a", "g_recon_x_b", "g_kl_a", "g_kl_b", "g_kl_cyc_a", "g_kl_cyc_b",
         "g_cyc_x_a", "g_cyc_x_b", "d_a_real", "d_a_fake", "d_b_real", "d_b_fake", "lr_g", "lr_d"}
STEPS = 30


def _model(config, batch):
    return build_trainer_state(config, tf.distribute.get_strategy(), batch)


@pytest.fixture(scope="module")
def trained():
    """A tiny UNIT (1-channel A, 3-channel B) after STEPS steps on one fixed batch at lr 1e-3, with
    every step's logs."""
    keras.utils.set_random_seed(0)
    config = tiny_config("unit", data__a_channels=1, optim__g_lr=1e-3, optim__d_lr=1e-3)
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    model = _model(config, batch)
    step = tf.function(model.train_step)
    logs = [{k: float(v) for k, v in step(batch).items()} for _ in range(STEPS)]
    return model, batch, logs


def test_every_term_is_logged_and_finite(trained):
    _, _, logs = trained
    assert set(logs[0]) == TERMS
    assert all(np.isfinite(v) for step in logs for v in step.values())


def test_reconstruction_loss_falls_on_a_fixed_batch(trained):
    _, _, logs = trained
    recon = [step["g_recon_x_a"] + step["g_recon_x_b"] for step in logs]
    first, last = np.mean(recon[:3]), np.mean(recon[-3:])
    assert last < 0.7 * first, (first, last)


def test_domains_keep_their_channel_counts(trained):
    model, batch, _ = trained
    assert batch["A"].shape[-1] == 1 and batch["B"].shape[-1] == 3
    samples = model.sample_images(batch)
    assert list(samples) == ["real_A", "rec_A", "fake_B", "cyc_A", "real_B", "rec_B", "fake_A", "cyc_B"]
    channels = {name: int(image.shape[-1]) for name, image in samples.items()}
    assert channels == {"real_A": 1, "rec_A": 1, "fake_B": 3, "cyc_A": 1, "real_B": 3, "rec_B": 3, "fake_A": 1,
                        "cyc_B": 3}
    assert model.translate(batch["A"]).shape == batch["B"].shape
    assert model.translate(batch["B"], "b2a").shape == batch["A"].shape
    with pytest.raises(ValueError, match="direction"):
        model.translate(batch["A"], "a2a")


def test_noise_only_in_training(trained):
    model, batch, _ = trained
    a2b = model.translate(batch["A"]).numpy()
    np.testing.assert_array_equal(model.translate(batch["A"]).numpy(), a2b)
    noiseless = model.gen_b.decode(model.gen_a.encode(batch["A"], training=False), training=False)
    np.testing.assert_allclose(a2b, noiseless.numpy(), atol=1e-6)
    np.testing.assert_allclose(model.sample_images(batch)["fake_B"].numpy(), a2b, atol=1e-6)
    (_, first), (_, second) = model.discriminator_fakes(batch["A"], batch["B"]), \
        model.discriminator_fakes(batch["A"], batch["B"])
    assert np.abs(first.numpy() - second.numpy()).max() > 1e-3  # a fresh N(0, I) draw each time


def test_kl_term_is_the_weighted_mean_square_of_the_latent(trained):
    model, batch, _ = trained
    np.testing.assert_allclose(latent_kl(tf.constant([[[[1.0, 2.0]], [[3.0, 4.0]]]])).numpy(), [7.5])
    terms = model.generator_terms(batch["A"], batch["B"])
    weight = model.cfg.loss.recon_kl_w
    for domain, gen in (("a", model.gen_a), ("b", model.gen_b)):
        h = gen.encode(batch[domain.upper()], training=True).numpy()
        expected = weight * np.mean(np.square(h).reshape(len(h), -1), axis=1)
        np.testing.assert_allclose(terms[f"g_kl_{domain}"].numpy(), expected, rtol=1e-5)


def _one_step_moves(weight_decay: float) -> tuple[list, list, float]:
    """(all weights before, after) one step whose losses all have weight 0, and the lr."""
    keras.utils.set_random_seed(1)
    zero = {f"model__loss__{k}": 0.0 for k in ("gan_w", "recon_x_w", "recon_kl_w", "recon_x_cyc_w", "recon_kl_cyc_w")}
    config = tiny_config("unit", model__weight_decay=weight_decay, **zero)
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    model = _model(config, batch)
    before = snapshot(model.g_variables + model.d_variables)
    model.train_step(batch)  # eager: one step is cheaper than tracing one
    return before, snapshot(model.g_variables + model.d_variables), config.optim.g_lr


def test_weight_decay_alone_moves_weights_towards_zero():
    """With every loss weight 0 the only gradient is g = weight_decay * w (torch Adam's weight_decay),
    so Adam's first step moves each weight by lr * g / (|g| + epsilon / sqrt(1 - beta2)) towards zero
    (bias-corrected, torch epsilon 1e-8); without decay nothing moves."""
    still_before, still_after, _ = _one_step_moves(0.0)
    assert all(np.array_equal(a, b) for a, b in zip(still_before, still_after, strict=True))
    before, after, lr = _one_step_moves(1e-4)
    for w, new in zip(before, after, strict=True):
        g = 1e-4 * w.astype(np.float64)
        expected = w - lr * g / (np.abs(g) + 1e-8 / np.sqrt(1 - 0.999))
        np.testing.assert_allclose(new, expected, rtol=0, atol=3e-8)
    assert max(np.abs(a - b).max() for a, b in zip(before, after, strict=True)) > 0.8 * lr


def test_mixed_bfloat16_step_is_finite_and_translates_in_float32():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # the conftest fixture restores float32
    config = tiny_config("unit", train__mixed_precision="mixed_bfloat16")
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    model = _model(config, batch)
    assert model.gen_a.enc.compute_dtype == "bfloat16"
    for _ in range(2):
        logs = model.train_step(batch)
    assert all(np.isfinite(float(v)) for v in logs.values())
    out = model.translate(batch["A"])
    assert out.dtype == tf.float32 and np.isfinite(out.numpy()).all()


def test_vgg_term_compares_each_translation_with_its_input():
    config = tiny_config("unit", model__loss__vgg_w=1.0, model__loss__vgg_weights="random")
    batch = {k: tf.constant(v) for k, v in fixed_batch(config).items()}
    model = _model(config, batch)
    terms = model.generator_terms(batch["A"], batch["B"])
    assert {"g_vgg_a", "g_vgg_b"} <= set(terms)
    assert all(np.isfinite(terms[k].numpy()).all() and (terms[k].numpy() > 0).all() for k in ("g_vgg_a", "g_vgg_b"))
    assert model.vgg not in model.generator_networks() + model.discriminator_networks()
    assert not model.vgg.trainable_weights
    inference = build_model(config)  # restoring a run for export or translation needs no VGG
    inference.build_generators()
    assert inference.vgg is None
