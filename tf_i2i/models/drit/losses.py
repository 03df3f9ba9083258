"""DRIT++'s mode-seeking regulariser as the official backward_G_alone codes it (Mao et al. 2019)."""

from __future__ import annotations

import tensorflow as tf

MODE_SEEKING_EPS = 1e-5


def mode_seeking_ratio(image1, image2, z1, z2) -> tf.Tensor:
    """mean|image2 - image1| / mean|z2 - z1|: how far two attribute codes move the output, per unit
    of code distance (means over every element of the batch, as the official code)."""
    image_dist = tf.reduce_mean(tf.abs(tf.cast(image2, tf.float32) - tf.cast(image1, tf.float32)))
    return image_dist / tf.reduce_mean(tf.abs(tf.cast(z2, tf.float32) - tf.cast(z1, tf.float32)))


def mode_seeking_loss(image1, image2, z1, z2) -> tf.Tensor:
    """1 / (ratio + 1e-5): small when different codes give different images (added with weight 1)."""
    return 1.0 / (mode_seeking_ratio(image1, image2, z1, z2) + MODE_SEEKING_EPS)
