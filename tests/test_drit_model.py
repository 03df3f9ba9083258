"""DRIT's training step: the official iteration (content discriminator alone on d_iter - 1 chunks,
then domain and content discriminators, then two encoder/generator updates), every loss term,
the optimisers' step counts, DRIT++'s mode seeking on and off, diverse and guided translation."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_drit import random_batch, tiny_drit_config
from tests.helpers_training import snapshot
from tf_i2i.models.drit import losses as drit_losses
from tf_i2i.training.loop import build_trainer_state

EG = {f"g_{t}_{d}" for t in ("content", "gan", "kl_za", "kl_zc", "cc", "self") for d in "ab"}
ALONE = {"g_gan2_a", "g_gan2_b", "g_latent_a", "g_latent_b"}
D = {"d_a", "d_a2", "d_b", "d_b2", "d_content"}
STEPS = 2


def _trainer(**overrides):
    config = tiny_drit_config(**overrides)
    batch = {k: tf.constant(v) for k, v in random_batch(config).items()}
    return build_trainer_state(config, tf.distribute.get_strategy(), batch), batch


@pytest.fixture(scope="module")
def trained():
    """A tiny DRIT++ (concat=1, mode seeking) after STEPS eager steps, its weights before them and its logs."""
    keras.utils.set_random_seed(0)
    model, batch = _trainer()
    networks = model.generator_networks() + model.discriminator_networks()
    before = {net.name: snapshot(net.trainable_variables) for net in networks}
    logs = [{k: float(v) for k, v in model.train_step(batch).items()} for _ in range(STEPS)]
    return model, batch, before, logs


def test_every_official_term_is_logged_and_finite(trained):
    _, _, _, logs = trained
    assert set(logs[0]) == EG | ALONE | D | {"g_ms_ab", "g_ms_ba", "lr_g", "lr_d"}
    assert all(np.isfinite(v) for step in logs for v in step.values())
    # Sigmoid cross-entropy at the start: log 2 per real or fake term and scale (3 scales).
    assert logs[0]["g_gan_a"] == pytest.approx(3 * np.log(2), rel=0.05)
    assert logs[0]["d_a2"] == pytest.approx(2 * logs[0]["d_a"], rel=0.05)  # two random fakes with mode seeking


def test_step_counts_follow_the_official_iteration(trained):
    """One step = one official update_EG: G and the domain Ds step once on the clock, the content
    discriminator d_iter times (d_iter - 1 batches alone, then with the others)."""
    model, _, _, _ = trained
    assert int(model.g_optimizer.iterations) == STEPS
    assert int(model.d_optimizer.iterations) == STEPS
    assert int(model.content_optimizer.iterations) == STEPS * model.cfg.d_iter


def test_every_network_learns(trained):
    model, _, before, _ = trained
    for net in model.generator_networks() + model.discriminator_networks():
        after = snapshot(net.trainable_variables)
        assert any(not np.array_equal(a, b) for a, b in zip(before[net.name], after, strict=True)), net.name


def test_content_discriminator_has_its_own_rate_and_is_not_a_domain_discriminator_variable(trained):
    model, _, _, _ = trained
    content = {id(v) for v in model.dis_content.trainable_variables}
    assert not content & {id(v) for v in model.d_variables}
    lr = float(model.d_optimizer.learning_rate)
    assert float(model.content_optimizer.learning_rate) == pytest.approx(lr / 2.5)


def test_attributes_make_outputs_differ_and_references_guide_them(trained):
    model, batch, _, _ = trained
    x, reference = batch["A"][:2], batch["B"][2:4]
    first, second = model.translate(x), model.translate(x)
    assert first.shape == x.shape and first.dtype == tf.float32
    assert np.abs(first.numpy() - second.numpy()).mean() > 1e-6  # new N(0, I) attributes per call
    code = model.attribute_code(reference, "b")
    np.testing.assert_array_equal(code.numpy(), model.attribute_code(reference, "b").numpy())  # the VAE mean
    np.testing.assert_array_equal(model.translate(x, attribute=code).numpy(),
                                  model.translate(x, attribute=code).numpy())
    assert model.translate(batch["B"][:1], "b2a").shape == (1, 216, 216, 3)
    with pytest.raises(ValueError, match="attribute must be"):
        model.translate(x, attribute=np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="direction"):
        model.translate(x, "a2a")


def test_sample_grid_holds_the_official_display_rows(trained):
    model, batch, _, _ = trained
    samples = model.sample_images(batch)
    assert list(samples) == ["real_A", "A2B", "A2B_random", "rec_A", "cyc_A",
                             "real_B", "B2A", "B2A_random", "rec_B", "cyc_B"]
    assert all(image.shape == (1, 216, 216, 3) for image in samples.values())


def test_without_mode_seeking_and_with_the_plain_variant():
    """DRIT (no_ms): one random attribute, no ratio terms; concat=0 codes have no logvar, so the
    attribute 'KL' is mean(z^2)."""
    model, batch = _trainer(model__mode_seeking=False, model__concat=0, model__d_iter=1, train__batch_size=2)
    logs = {k: float(v) for k, v in model.train_step(batch).items()}
    assert set(logs) == EG | ALONE | D | {"lr_g", "lr_d"}
    assert logs["d_a2"] == pytest.approx(logs["d_a"], rel=0.05)
    f = model.forward(batch["A"], batch["B"], training=False)
    assert f["post_a"][1] is None and len(f["rand_a"]) == 1
    assert int(model.content_optimizer.iterations) == 1


def test_batches_that_do_not_split_into_even_chunks_are_rejected():
    config = tiny_drit_config()
    batch = {k: tf.constant(v[:4]) for k, v in random_batch(config).items()}  # d_iter 3 needs 6
    with pytest.raises(ValueError, match="train.batch_size"):
        build_trainer_state(config, tf.distribute.get_strategy(), batch)


def test_loss_formulas_match_the_official_expressions():
    rng = np.random.default_rng(0)
    mu, logvar = rng.normal(size=(2, 8)).astype(np.float32), rng.normal(size=(2, 8)).astype(np.float32)
    expected = -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar), axis=1)
    np.testing.assert_allclose(drit_losses.attribute_kl(mu, logvar).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(drit_losses.attribute_kl(mu, None).numpy(), np.mean(mu ** 2, axis=1), rtol=1e-6)
    logits = rng.normal(size=(2, 1, 1, 1)).astype(np.float32)
    p = 1 / (1 + np.exp(-logits.reshape(2)))
    np.testing.assert_allclose(drit_losses.content_confusion_loss(logits).numpy(),
                               -(0.5 * np.log(p) + 0.5 * np.log(1 - p)), rtol=1e-5)
    a, b = rng.normal(size=(2, 4, 4, 3)), rng.normal(size=(2, 4, 4, 3))
    z1, z2 = rng.normal(size=(2, 8)), rng.normal(size=(2, 8))
    ratio = np.mean(np.abs(b - a)) / np.mean(np.abs(z2 - z1))
    assert float(drit_losses.mode_seeking_loss(a, b, z1, z2)) == pytest.approx(1 / (ratio + 1e-5), rel=1e-5)


def test_mixed_bfloat16_step_is_finite_and_translates_in_float32():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # the conftest fixture restores float32
    model, batch = _trainer(train__mixed_precision="mixed_bfloat16", model__d_iter=1, train__batch_size=2)
    assert model.gen.compute_dtype == "bfloat16"
    logs = model.train_step(batch)
    assert all(np.isfinite(float(v)) for v in logs.values())
    out = model.translate(batch["A"][:1])
    assert out.dtype == tf.float32 and np.isfinite(out.numpy()).all()
