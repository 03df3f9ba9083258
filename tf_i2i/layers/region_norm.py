"""Normalisation per region (INIT's region-wise rendering): each region of a picture is normalised with
its own statistics, so what lies in one region never shifts another's. Instance norm per region (the
decoder's AdaIN) and MUNIT's layer norm per region (its upsampling blocks)."""

from __future__ import annotations

import tensorflow as tf


def region_normalize(x: tf.Tensor, regions: tf.Tensor, epsilon: float = 1e-5) -> tf.Tensor:
    """float32 x [B, H, W, C] normalised per sample, channel and region: regions [B, H, W, R] one-hot
    (every pixel in exactly one region) at x's resolution. Biased variance, two passes, as
    InstanceNorm; with one region covering everything it is InstanceNorm. Matmuls over the flattened
    pixels keep it to TFLite builtins."""
    flat_x, flat_r, shape = _flatten(x, regions)
    count = tf.maximum(tf.reduce_sum(flat_r, axis=1), 1.0)[..., None]  # [B, R, 1]
    mean = tf.matmul(flat_r, tf.matmul(flat_r, flat_x, transpose_a=True) / count)  # per pixel [B, HW, C]
    centred = flat_x - mean
    var = tf.matmul(flat_r, tf.matmul(flat_r, tf.square(centred), transpose_a=True) / count)
    return tf.reshape(centred * tf.math.rsqrt(var + epsilon), shape)


def region_layer_normalize(x: tf.Tensor, regions: tf.Tensor, epsilon: float = 1e-5) -> tf.Tensor:
    """float32 x [B, H, W, C] normalised as MUNIT's LayerNorm (over pixels and channels, divided by the
    unbiased std + eps) with each region's pixels on their own; one region covering everything is
    MUNIT's LayerNorm."""
    flat_x, flat_r, shape = _flatten(x, regions)
    channels = float(x.shape[-1])
    count = tf.reduce_sum(flat_r, axis=1)[..., None] * channels  # values per region [B, R, 1]
    per_channel = tf.matmul(flat_r, flat_x, transpose_a=True)  # [B, R, C]
    mean = tf.reduce_sum(per_channel, axis=-1, keepdims=True) / tf.maximum(count, 1.0)  # [B, R, 1]
    centred = flat_x - tf.matmul(flat_r, mean)
    squares = tf.reduce_sum(tf.matmul(flat_r, tf.square(centred), transpose_a=True), axis=-1, keepdims=True)
    std = tf.sqrt(squares / tf.maximum(count - 1.0, 1.0))
    return tf.reshape(centred / (tf.matmul(flat_r, std) + epsilon), shape)


def _flatten(x: tf.Tensor, regions: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """(x [B, HW, C] float32, regions [B, HW, R] float32, x's shape)."""
    x = tf.cast(x, tf.float32)
    shape = tf.shape(x)
    flat_x = tf.reshape(x, [shape[0], -1, x.shape[-1]])
    flat_r = tf.reshape(tf.cast(regions, tf.float32), [shape[0], -1, tf.shape(regions)[-1]])
    return flat_x, flat_r, shape
