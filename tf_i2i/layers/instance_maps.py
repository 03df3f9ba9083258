"""Layers over instance-id maps (pix2pixHD, Wang et al. 2018, Sec. 3.3-3.4): the boundary map fed to
the generator, and instance-wise average pooling of encoder features."""

from __future__ import annotations

import keras
import tensorflow as tf


def _mark_pairs(diff: tf.Tensor, axis: int) -> tf.Tensor:
    """Marks both pixels of every differing neighbour pair: `diff` (one shorter along `axis`) padded
    once before and once after, then OR-ed (as float max)."""
    before = [[0, 0]] * 4
    after = [[0, 0]] * 4
    before[axis], after[axis] = [1, 0], [0, 1]
    return tf.maximum(tf.pad(diff, before), tf.pad(diff, after))


@keras.saving.register_keras_serializable(package="tf_i2i")
class InstanceBoundary(keras.layers.Layer):
    """Instance ids [B,H,W,1] -> float boundary map [B,H,W,1] (pix2pixHD get_edges).

    A pixel is 1 where its id differs from its left, right, upper or lower neighbour (both pixels of
    a differing pair are marked); the image border is not an edge. Ids are compared exactly, so pass
    int ids (float ids work while they are exact in their dtype; autocast is off so a mixed policy
    never rounds them to bfloat16).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)

    def call(self, ids):
        dtype = self.compute_dtype
        dx = tf.cast(tf.not_equal(ids[:, :, 1:], ids[:, :, :-1]), dtype)
        dy = tf.cast(tf.not_equal(ids[:, 1:], ids[:, :-1]), dtype)
        return tf.maximum(_mark_pairs(dx, 2), _mark_pairs(dy, 1))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@keras.saving.register_keras_serializable(package="tf_i2i")
class InstanceAveragePool(keras.layers.Layer):
    """call([features [B,H,W,C], ids [B,H,W,1]]) -> each pixel holds the per-channel mean of the
    features over the pixels of its instance in the same sample (pix2pixHD Encoder, Sec. 3.4).

    One segment per (sample, id) pair: tf.unique over the ids, then over sample * n_ids + id index,
    gives dense segment ids; unsorted_segment_sum gives sums and counts. Any number of instances,
    dynamic B/H/W, TFLite builtins only. Means are taken in float32 under a mixed policy.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("autocast", False)
        super().__init__(**kwargs)

    def call(self, inputs):
        features, ids = inputs
        shape = tf.shape(features)
        flat_ids = tf.reshape(ids, [-1])
        _, id_index = tf.unique(flat_ids)
        n_ids = tf.reduce_max(id_index) + 1
        per_sample = tf.reshape(id_index, [shape[0], -1])
        sample = tf.range(shape[0], dtype=id_index.dtype)[:, None]
        _, segments = tf.unique(tf.reshape(per_sample + sample * n_ids, [-1]))
        n_segments = tf.reduce_max(segments) + 1
        values = tf.reshape(tf.cast(features, tf.float32), [-1, shape[3]])
        sums = tf.math.unsorted_segment_sum(values, segments, n_segments)
        counts = tf.math.unsorted_segment_sum(tf.ones_like(values[:, :1]), segments, n_segments)
        means = tf.gather(sums / counts, segments)
        return tf.cast(tf.reshape(means, shape), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])
