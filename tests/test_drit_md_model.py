"""Multi-domain DRIT++ (MDMM)'s training step: the official MD_multi iteration and terms (patch GAN
summed over the batch, domain classification, self and cross-cycle reconstruction, KL, latent
regression), the optional content discriminator with d_iter, and translation to every domain."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_drit import domain_batch, tiny_mdmm_config
from tests.helpers_training import snapshot
from tf_i2i.models.drit_md.model import domain_classification_loss
from tf_i2i.training.loop import build_trainer_state

EG = {"g_gan", "g_cls", "g_self", "g_cc", "g_kl_zc", "g_kl_za"}
ALONE = {"g_gan2", "g_cls2", "g_latent"}
STEPS = 2


def _trainer(size: int = 64, **overrides):
    config = tiny_mdmm_config(**overrides)
    batch = {k: tf.constant(v) for k, v in domain_batch(config, size).items()}
    return build_trainer_state(config, tf.distribute.get_strategy(), batch), batch


@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    model, batch = _trainer()
    networks = model.generator_networks() + model.discriminator_networks()
    before = {net.name: snapshot(net.trainable_variables) for net in networks}
    logs = [{k: float(v) for k, v in model.train_step(batch).items()} for _ in range(STEPS)]
    return model, batch, before, logs


def test_every_official_term_is_logged_finite_and_summed_over_the_batch_where_official(trained):
    _, batch, _, logs = trained
    assert set(logs[0]) == EG | ALONE | {"d_1", "d_2", "lr_g", "lr_d"}
    assert all(np.isfinite(v) for step in logs for v in step.values())
    n = int(batch["image"].shape[0])
    # At the start every logit is ~0: BCE log 2 per real/fake term (times the batch: the official
    # loop sums MD_Dis's patch losses over examples) plus log 2 for the domain classification.
    assert logs[0]["d_1"] == pytest.approx((2 * n + 1) * np.log(2), rel=0.05)
    assert logs[0]["g_gan"] == pytest.approx(n * np.log(2), rel=0.05)
    assert logs[0]["g_cls"] == pytest.approx(np.log(2), rel=0.05)


def test_step_counts_and_every_network_learns(trained):
    model, _, before, _ = trained
    assert int(model.g_optimizer.iterations) == int(model.d_optimizer.iterations) == STEPS
    assert model.dis_content is None and "content_optimizer" not in model.optimizer_groups()
    for net in model.generator_networks() + model.discriminator_networks():
        after = snapshot(net.trainable_variables)
        assert any(not np.array_equal(a, b) for a, b in zip(before[net.name], after, strict=True)), net.name


def test_translates_any_domain_to_any_other(trained):
    model, batch, _, _ = trained
    x = batch["image"]
    code = model.attribute_code(x, batch["domain"])
    outputs = [model.translate(x, d, attribute=code).numpy() for d in range(model.cfg.num_domains)]
    assert all(o.shape == x.shape for o in outputs)
    for i in range(len(outputs)):  # the domain code alone changes the picture
        for j in range(i + 1, len(outputs)):
            assert np.abs(outputs[i] - outputs[j]).mean() > 1e-7, (i, j)
    per_image = model.translate(x, tf.constant([2, 1]), attribute=code).numpy()
    np.testing.assert_allclose(per_image[0], outputs[2][0], atol=1e-6)
    np.testing.assert_allclose(per_image[1], outputs[1][1], atol=1e-6)
    assert np.abs(model.translate(x, 1).numpy() - model.translate(x, 1).numpy()).mean() > 1e-7  # random codes
    with pytest.raises(ValueError, match="integer ids"):
        model.translate(x, 1.0)
    samples = model.sample_images(batch)
    assert list(samples) == ["real", "rec", "to_0", "to_1", "to_2"]


def test_content_discriminator_runs_on_d_iter_chunks():
    """--isDcontent: the content discriminator learns alone on d_iter - 1 chunks, then with the
    others; the encoder's confusion term joins backward_EG. Content maps must reduce to 1x1
    (216 px crops)."""
    model, batch = _trainer(216, model__content_discriminator=True, data__crop_size=216, train__batch_size=6)
    logs = {k: float(v) for k, v in model.train_step(batch).items()}
    assert {"d_content", "g_content"} <= set(logs) and all(np.isfinite(v) for v in logs.values())
    assert int(model.content_optimizer.iterations) == model.cfg.d_iter
    assert int(model.g_optimizer.iterations) == 1


def test_plain_variant_trains():
    """concat=0: MD_E_attr codes (no logvar, 'KL' = mean z^2) and the feature-wise MD_G_multi."""
    model, batch = _trainer(model__concat=0)
    logs = {k: float(v) for k, v in model.train_step(batch).items()}
    assert set(logs) == EG | ALONE | {"d_1", "d_2", "lr_g", "lr_d"}
    assert all(np.isfinite(v) for v in logs.values())
    assert model.forward(batch["image"], batch["domain"], training=False)["posterior"][1] is None


def test_domain_classification_loss_is_the_mean_binary_cross_entropy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3)).astype(np.float32)
    codes = np.eye(3, dtype=np.float32)[[0, 2]]
    p = 1 / (1 + np.exp(-logits))
    expected = -np.mean(codes * np.log(p) + (1 - codes) * np.log(1 - p), axis=1)
    np.testing.assert_allclose(domain_classification_loss(logits, codes).numpy(), expected, rtol=1e-5)
