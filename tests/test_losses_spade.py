"""SPADE's losses against numpy formulas of the official code: hinge GAN averaged over scales,
feature matching without the per-layer weight, and the encoder's KL divergence."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i import losses

RNG = np.random.default_rng(1)
B = 3


def _scales(num_D: int, n_layers_D: int, size: int = 16) -> list[list[np.ndarray]]:
    """Fake multi-scale D output as SPADE's: per scale n_layers_D feature maps, then 1-channel logits."""
    out = []
    for i in range(num_D):
        s = size // 2**i
        maps = [RNG.normal(size=(B, max(s // 2**j, 2), max(s // 2**j, 2), 4 * (j + 1))) for j in range(n_layers_D)]
        out.append([m.astype(np.float32) for m in maps] + [RNG.normal(size=(B, 3, 5, 1)).astype(np.float32)])
    return out


def _mean(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[0], -1).mean(axis=1)


@pytest.mark.parametrize("num_D", [1, 2, 3])
def test_hinge_losses_average_the_scales(num_D):
    scales = _scales(num_D, n_layers_D=4)
    logits = [s[-1] for s in scales]
    d_real = np.mean([_mean(np.maximum(1.0 - x, 0.0)) for x in logits], axis=0)
    d_fake = np.mean([_mean(np.maximum(1.0 + x, 0.0)) for x in logits], axis=0)
    g = np.mean([-_mean(x) for x in logits], axis=0)
    hinge = dict(mode="hinge", average_scales=True)
    np.testing.assert_allclose(losses.multiscale_gan_loss(scales, True, **hinge), d_real, rtol=1e-5)
    np.testing.assert_allclose(losses.multiscale_gan_loss(scales, False, **hinge), d_fake, rtol=1e-5)
    got_g = losses.multiscale_gan_loss(scales, True, for_discriminator=False, **hinge)
    assert got_g.shape == (B,)
    np.testing.assert_allclose(got_g, g, rtol=1e-5, atol=1e-7)
    # pix2pixHD's reduction (the default) is the sum, num_D times SPADE's.
    np.testing.assert_allclose(losses.multiscale_gan_loss(scales, True, "hinge"), num_D * d_real, rtol=1e-5)


def test_hinge_loss_averaged_over_the_global_batch_is_the_official_scalar():
    """The official loss is a mean over the whole batch per scale; per-example means averaged by
    compute_average_loss give the same number (all examples have the same size)."""
    scales = _scales(2, n_layers_D=4)
    per_example = losses.multiscale_gan_loss(scales, False, "hinge", average_scales=True)
    official = np.mean([np.mean(np.maximum(1.0 + s[-1], 0.0)) for s in scales])
    np.testing.assert_allclose(tf.nn.compute_average_loss(per_example, global_batch_size=B), official, rtol=1e-5)


def test_hinge_generator_loss_needs_a_real_target():
    with pytest.raises(ValueError, match="target_is_real=True"):
        losses.multiscale_gan_loss(_scales(2, 4), False, "hinge", for_discriminator=False, average_scales=True)


@pytest.mark.parametrize("num_D,n_layers_D,lambda_feat", [(2, 4, 10.0), (3, 3, 2.0)])
def test_spade_feature_matching_weights_each_scale_only(num_D, n_layers_D, lambda_feat):
    fake, real = _scales(num_D, n_layers_D), _scales(num_D, n_layers_D)
    expected = np.zeros(B)
    for i in range(num_D):
        for j in range(n_layers_D):  # every map but the logits
            expected += _mean(np.abs(fake[i][j] - real[i][j])) * lambda_feat / num_D
    got = losses.feature_matching_loss(fake, real, n_layers_D=n_layers_D, lambda_feat=lambda_feat, weighting="spade")
    assert got.shape == (B,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    pix2pixhd = losses.feature_matching_loss(fake, real, n_layers_D=n_layers_D, lambda_feat=lambda_feat)
    np.testing.assert_allclose(pix2pixhd, expected * 4.0 / (n_layers_D + 1), rtol=1e-5)
    with pytest.raises(ValueError, match="weighting"):
        losses.feature_matching_loss(fake, real, weighting="munit")


def test_kld_loss_sums_each_examples_latent_entries():
    mu = RNG.normal(size=(B, 256)).astype(np.float32)
    logvar = RNG.normal(scale=0.5, size=(B, 256)).astype(np.float32)
    expected = -0.5 * np.sum(1.0 + logvar - mu**2 - np.exp(logvar), axis=1)
    got = losses.kld_loss(mu, logvar, lambda_kld=1.0)
    assert got.shape == (B,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(losses.kld_loss(mu, logvar), 0.05 * expected, rtol=1e-5)  # paper's lambda_kld
    # One example per replica: the global-batch average equals the official batch sum / batch size.
    official = -0.5 * np.sum(1.0 + logvar - mu**2 - np.exp(logvar))
    np.testing.assert_allclose(tf.nn.compute_average_loss(got, global_batch_size=B), official / B, rtol=1e-5)


def test_kld_loss_is_zero_at_the_prior_and_pulls_towards_it():
    zeros = tf.zeros([2, 8])
    np.testing.assert_allclose(losses.kld_loss(zeros, zeros), [0.0, 0.0], atol=1e-7)
    mu = tf.Variable(RNG.normal(size=(2, 8)).astype(np.float32))
    logvar = tf.Variable(RNG.normal(size=(2, 8)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(losses.kld_loss(mu, logvar, lambda_kld=1.0))
    d_mu, d_logvar = tape.gradient(loss, [mu, logvar])
    np.testing.assert_allclose(d_mu, mu.numpy(), rtol=1e-5)  # d/dmu = mu
    np.testing.assert_allclose(d_logvar, 0.5 * (np.exp(logvar.numpy()) - 1.0), rtol=1e-5)
    assert float(tf.reduce_min(losses.kld_loss(mu, logvar))) > 0.0
