"""pix2pixHD losses against numpy formulas of the official weighting, and where their gradients go."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.nets.vgg import VGG19Features

RNG = np.random.default_rng(0)
B = 3


def _scales(num_D: int, n_layers_D: int, size: int = 16) -> list[list[np.ndarray]]:
    """Fake multi-scale D output: per scale n_layers_D + 2 maps of shrinking size, the last one 1-channel."""
    out = []
    for i in range(num_D):
        s = size // 2**i
        maps = [RNG.normal(size=(B, max(s // 2**j, 2), max(s // 2**j, 2), 4 * (j + 1))) for j in range(n_layers_D + 1)]
        out.append([m.astype(np.float32) for m in maps] + [RNG.normal(size=(B, 3, 3, 1)).astype(np.float32)])
    return out


def _mean(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[0], -1).mean(axis=1)


def _bce_with_logits(x: np.ndarray, target: float) -> np.ndarray:
    return _mean(np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x))))


@pytest.mark.parametrize("mode", ["lsgan", "vanilla"])
@pytest.mark.parametrize("real", [True, False])
def test_multiscale_gan_loss_sums_each_scales_last_output(mode, real):
    scales = _scales(num_D=3, n_layers_D=3)
    t = 1.0 if real else 0.0
    per_scale = [_mean((s[-1] - t) ** 2) if mode == "lsgan" else _bce_with_logits(s[-1], t) for s in scales]
    got = losses.multiscale_gan_loss(scales, real, mode)
    assert got.shape == (B,)
    np.testing.assert_allclose(got, np.sum(per_scale, axis=0), rtol=1e-5)
    # A discriminator without intermediate features gives only its logits per scale: same loss.
    np.testing.assert_allclose(losses.multiscale_gan_loss([s[-1] for s in scales], real, mode), got, rtol=1e-6)


def test_multiscale_generator_loss_and_average_over_the_global_batch():
    scales = _scales(num_D=2, n_layers_D=3)
    g = losses.multiscale_gan_loss(scales, True, "lsgan", for_discriminator=False)
    np.testing.assert_allclose(g, _mean((scales[0][-1] - 1) ** 2) + _mean((scales[1][-1] - 1) ** 2), rtol=1e-5)
    np.testing.assert_allclose(tf.nn.compute_average_loss(g, global_batch_size=2 * B), g.numpy().sum() / (2 * B),
                               rtol=1e-6)


@pytest.mark.parametrize("num_D,n_layers_D,lambda_feat", [(2, 3, 10.0), (3, 2, 5.0), (1, 4, 1.0)])
def test_feature_matching_uses_the_official_weights(num_D, n_layers_D, lambda_feat):
    fake, real = _scales(num_D, n_layers_D), _scales(num_D, n_layers_D)
    expected = np.zeros(B)
    for i in range(num_D):
        for j in range(n_layers_D + 1):  # every map but the last (the logits)
            expected += (1.0 / num_D) * (4.0 / (n_layers_D + 1)) * _mean(np.abs(fake[i][j] - real[i][j])) * lambda_feat
    got = losses.feature_matching_loss(fake, real, n_layers_D=n_layers_D, lambda_feat=lambda_feat)
    assert got.shape == (B,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_feature_matching_gradients_reach_only_the_fakes_hidden_features():
    fake = [[tf.Variable(m) for m in s] for s in _scales(2, 3)]
    real = [[tf.Variable(m) for m in s] for s in _scales(2, 3)]
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(losses.feature_matching_loss(fake, real))
    for scale in fake:
        assert all(float(tf.reduce_max(tf.abs(tape.gradient(loss, m)))) > 0 for m in scale[:-1])
        assert tape.gradient(loss, scale[-1]) is None  # the logits are the GAN loss's business
    assert all(tape.gradient(loss, m) is None for scale in real for m in scale)  # real features are targets


def test_feature_matching_rejects_mismatched_or_logits_only_outputs():
    fake = _scales(2, 3)
    with pytest.raises(ValueError, match="scales"):
        losses.feature_matching_loss(fake, fake[:1])
    with pytest.raises(ValueError, match="feature maps"):
        losses.feature_matching_loss(fake, [s[:-1] for s in fake])
    with pytest.raises(ValueError, match="intermediate features"):
        losses.feature_matching_loss([s[-1:] for s in fake], [s[-1:] for s in fake])


def _pyramid(images: tf.Tensor) -> list[tf.Tensor]:
    """A stand-in extractor with five known feature maps: x, 2x2-average-pooled x, ..."""
    out = [images]
    for _ in range(4):
        out.append(tf.nn.avg_pool2d(out[-1], 2, 2, "VALID"))
    return out


def _np_pyramid(x: np.ndarray) -> list[np.ndarray]:
    out = [x]
    for _ in range(4):
        b, h, w, c = out[-1].shape
        out.append(out[-1][:, : h // 2 * 2, : w // 2 * 2].reshape(b, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4)))
    return out


def test_vgg_loss_weights_each_layer_as_the_paper():
    fake = RNG.uniform(-1, 1, size=(B, 32, 48, 3)).astype(np.float32)
    real = RNG.uniform(-1, 1, size=(B, 32, 48, 3)).astype(np.float32)
    weights = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1.0)
    expected = 10.0 * sum(w * _mean(np.abs(f - r)) for w, f, r in zip(weights, _np_pyramid(fake), _np_pyramid(real), strict=True))
    got = losses.vgg_loss(fake, real, _pyramid)
    assert got.shape == (B,)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(losses.vgg_loss(fake, real, _pyramid, lambda_vgg=2.5), expected / 4, rtol=1e-5)
    with pytest.raises(ValueError, match="weights"):
        losses.vgg_loss(fake, real, lambda x: _pyramid(x)[:4])


def test_vgg_loss_with_the_vgg19_extractor():
    vgg = VGG19Features(weights="random")
    fake = tf.Variable(RNG.uniform(-1, 1, size=(B, 32, 32, 3)).astype(np.float32))
    real = tf.Variable(RNG.uniform(-1, 1, size=(B, 32, 32, 3)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        got = losses.vgg_loss(fake, real, vgg)
    fake_f, real_f = vgg(fake), vgg(real)  # two separate calls, as the official code does
    expected = 10.0 * sum(w * _mean(np.abs(f.numpy() - r.numpy()))
                          for w, f, r in zip(losses.VGG_LAYER_WEIGHTS, fake_f, real_f, strict=True))
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    grad = tape.gradient(got, fake)
    assert grad is not None and float(tf.reduce_max(tf.abs(grad))) > 0
    no_grad = tape.gradient(got, real)  # the target's features are constants
    assert no_grad is None or not np.any(no_grad.numpy())
    assert vgg.trainable_weights == []
