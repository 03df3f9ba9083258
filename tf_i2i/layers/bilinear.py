"""Bilinear sampling from flat gathers: what FlowWarp and object crops share, TFLite-builtin friendly
(floor, clip and gather only)."""

from __future__ import annotations

import tensorflow as tf


def sample_bilinear(image: tf.Tensor, y: tf.Tensor, x: tf.Tensor) -> tf.Tensor:
    """image [B, H, W, C] float32 sampled at pixel positions y, x (float32, already inside
    [0, size - 1], shapes [B, ...] broadcasting to each other) -> [B, ..., C].

    Integer positions are pixel centres; the gradient reaches the positions through the weights and
    the image through the gathers."""
    shape = tf.shape(image)
    b, h, w, c = shape[0], shape[1], shape[2], shape[3]
    y0, x0 = tf.floor(y), tf.floor(x)
    wy, wx = (y - y0)[..., None], (x - x0)[..., None]
    y0, x0 = tf.cast(y0, tf.int32), tf.cast(x0, tf.int32)
    y1, x1 = tf.minimum(y0 + 1, h - 1), tf.minimum(x0 + 1, w - 1)
    flat = tf.reshape(image, [-1, c])
    rank = max(y.shape.rank, x.shape.rank)
    base = tf.reshape(tf.range(b) * h * w, [-1] + [1] * (rank - 1))

    def at(yi: tf.Tensor, xi: tf.Tensor) -> tf.Tensor:
        return tf.gather(flat, base + yi * w + xi)

    top = at(y0, x0) * (1.0 - wx) + at(y0, x1) * wx
    bottom = at(y1, x0) * (1.0 - wx) + at(y1, x1) * wx
    return top * (1.0 - wy) + bottom * wy
