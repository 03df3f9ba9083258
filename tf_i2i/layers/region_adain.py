"""Region-wise AdaIN (INIT, Shen et al. 2019): each object's style inside its box, the background style
elsewhere. box_regions gives the one-hot regions that MUNIT's AdaIN and decoder take (each region then
normalised with its own statistics) and region_values the per-pixel AdaIN parameters."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.layers.boxes import box_masks


def box_regions(boxes: tf.Tensor, valid: tf.Tensor, height: int | tf.Tensor, width: int | tf.Tensor) -> tf.Tensor:
    """One-hot regions [B, height, width, N + 1] of boxes [B, N, 4] (y1, x1, y2, x2 normalised) and valid
    [B, N]: region k < N is the pixels box k owns, region N (the last) the background.

    A pixel belongs to a valid box that covers it (box_masks' pixel-centre rule), else to the
    background. Where boxes overlap the smallest box (by normalised area) wins, the lower slot on a
    tie, so a person in front of a car keeps its own region."""
    boxes = tf.cast(boxes, tf.float32)
    n = tf.shape(boxes)[1]
    masks = tf.transpose(box_masks(boxes, valid, height, width)[..., 0], [0, 2, 3, 1])  # [B, H, W, N]
    area = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])  # [B, N]
    # Outside a box its rank key is above any area (areas are <= 1 for boxes inside the image).
    key = tf.where(masks > 0.0, area[:, None, None, :], tf.reduce_max(tf.abs(area)) + 2.0)
    winner = tf.one_hot(tf.argmin(key, axis=-1, output_type=tf.int32), n)  # [B, H, W, N]
    winner *= tf.reduce_max(masks, axis=-1, keepdims=True)  # no winner where no box covers the pixel
    return tf.concat([winner, 1.0 - tf.reduce_sum(winner, axis=-1, keepdims=True)], axis=-1)


def region_values(regions: tf.Tensor, background: tf.Tensor, objects: tf.Tensor) -> tf.Tensor:
    """Per-pixel values [B, H, W, P]: each pixel its region's row of objects [B, N, P] or background [B, P].
    A one-hot matmul, so each pixel gets its region's values exactly."""
    table = tf.concat([tf.cast(objects, tf.float32), tf.cast(background, tf.float32)[:, None, :]], axis=1)
    shape = tf.shape(regions)
    flat = tf.reshape(regions, [shape[0], -1, shape[3]])
    return tf.reshape(tf.matmul(flat, table), tf.concat([shape[:3], [-1]], 0))
