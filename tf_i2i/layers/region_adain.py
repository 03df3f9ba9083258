"""Region-wise AdaIN (INIT, Shen et al. 2019): each object's style inside its box, the background
style elsewhere, each region normalised with its own statistics, for MUNIT's AdaIN and decoder."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers.adain import AdaIN
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


def region_adain_params(background: tf.Tensor, objects: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor,
                        height: int | tf.Tensor, width: int | tf.Tensor) -> tf.Tensor:
    """Per-pixel AdaIN parameters [B, height, width, P] from the background's [B, P] and the objects'
    [B, N, P] (style MLP outputs): each pixel those of its box_regions region."""
    return region_values(box_regions(boxes, valid, height, width), background, objects)


@keras.saving.register_keras_serializable(package="tf_i2i")
class RegionAdaIN(keras.layers.Layer):
    """call([x, background, objects, boxes, valid]): MUNIT's AdaIN of x [B, H, W, C] with each
    box_regions region normalised by its own statistics and scaled/shifted by its own parameters:
    background [B, 2C], objects [B, N, 2C], boxes [B, N, 4], valid [B, N] bool. With no valid box it is
    AdaIN(x, background).

    Inputs are not autocast, so box coordinates stay float32 under mixed precision; the AdaIN inside
    computes in float32 and returns the compute dtype."""

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.adain = AdaIN(epsilon, name="adain", dtype=self.dtype_policy)

    def build(self, input_shape):
        self.adain.build(input_shape[0])

    def call(self, inputs, training=None):
        x, background, objects, boxes, valid = inputs
        regions = box_regions(boxes, valid, tf.shape(x)[1], tf.shape(x)[2])
        params = region_values(regions, background, objects)
        return self.adain(tf.cast(x, self.compute_dtype), params, regions, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
