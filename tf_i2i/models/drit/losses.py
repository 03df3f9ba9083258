"""DRIT's loss terms as the official model.py computes them, per example unless said otherwise, and
DRIT++'s mode-seeking regulariser (Mao et al. 2019) as backward_G_alone codes it."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i import losses

MODE_SEEKING_EPS = 1e-5


def mode_seeking_ratio(image1, image2, z1, z2) -> tf.Tensor:
    """mean|image2 - image1| / mean|z2 - z1|: how far two attribute codes move the output, per unit
    of code distance (means over every element of the batch, as the official code)."""
    image_dist = tf.reduce_mean(tf.abs(tf.cast(image2, tf.float32) - tf.cast(image1, tf.float32)))
    return image_dist / tf.reduce_mean(tf.abs(tf.cast(z2, tf.float32) - tf.cast(z1, tf.float32)))


def mode_seeking_loss(image1, image2, z1, z2) -> tf.Tensor:
    """1 / (ratio + 1e-5), a scalar: small when different codes give different images (weight 1)."""
    return 1.0 / (mode_seeking_ratio(image1, image2, z1, z2) + MODE_SEEKING_EPS)


def mean_square(x: tf.Tensor) -> tf.Tensor:
    """Per example mean(x^2): the official _l2_regularize, DRIT's 'KL' on content codes and on
    plain (non-VAE) attribute codes."""
    x = tf.cast(x, tf.float32)
    return tf.reduce_mean(tf.reshape(tf.square(x), [tf.shape(x)[0], -1]), axis=1)


def content_confusion_loss(logits: tf.Tensor) -> tf.Tensor:
    """Per example: the content discriminator's sigmoid cross-entropy against 0.5 (official
    backward_G_GAN_content): the encoders win when it cannot tell the domains' contents apart."""
    logits = tf.cast(logits, tf.float32)
    bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.fill(tf.shape(logits), 0.5), logits=logits)
    return tf.reduce_mean(tf.reshape(bce, [tf.shape(bce)[0], -1]), axis=1)


def attribute_kl(mu: tf.Tensor, logvar: tf.Tensor | None) -> tf.Tensor:
    """Per example: KL(N(mu, exp(logvar)) || N(0, I)) summed over the code for the VAE attribute
    encoder (official concat=1), mean(z^2) for a plain code (logvar None, concat=0)."""
    if logvar is None:
        return mean_square(mu)
    return losses.kld_loss(mu, logvar, lambda_kld=1.0)
