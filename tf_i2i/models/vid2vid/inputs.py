"""The generator's inputs as the official Vid2VidModelG builds them: per-frame label encoding (one-hot
classes + instance boundary), frames stacked along channels, and the foreground mask."""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

from tf_i2i.data.labels import one_hot_labels
from tf_i2i.errors import ConfigError
from tf_i2i.layers import InstanceBoundary


def fold_time(frames: tf.Tensor) -> tf.Tensor:
    """[B, T, H, W, C] -> [B*T, H, W, C], so per-frame layers run on every frame at once."""
    shape = tf.shape(frames)
    return tf.reshape(frames, tf.concat([[-1], shape[2:]], axis=0))


def unfold_time(frames: tf.Tensor, n_frames: int) -> tf.Tensor:
    """[B*T, H, W, C] -> [B, T, H, W, C] (the inverse of fold_time)."""
    shape = tf.shape(frames)
    return tf.reshape(frames, tf.concat([[-1, n_frames], shape[1:]], axis=0))


def encode_label_frames(labels: tf.Tensor, label_nc: int, instances: tf.Tensor | None = None) -> tf.Tensor:
    """[B, T, H, W, 1] class ids (or [B, T, H, W, input_nc] images when label_nc is 0) -> the
    encoded frames [B, T, H, W, C]: one-hot over label_nc classes (the images as they are when
    label_nc is 0), then, given instance ids [B, T, H, W, 1], their boundary map (pix2pixHD's edges)
    as the last channel."""
    n_frames = labels.shape[1]
    parts = [one_hot_labels(fold_time(labels), label_nc) if label_nc else tf.cast(fold_time(labels), tf.float32)]
    if instances is not None:
        parts.append(tf.cast(InstanceBoundary()(fold_time(instances)), tf.float32))
    return unfold_time(tf.concat(parts, axis=-1), n_frames)


def stack_frames(frames: tf.Tensor) -> tf.Tensor:
    """[B, T, H, W, C] -> [B, H, W, T*C], channel t*C + c (oldest frame first), as the official
    `.view(B, -1, H, W)` of a [B, T, C, H, W] tensor."""
    n_frames, channels = frames.shape[1], frames.shape[-1]
    shape = tf.shape(frames)
    stacked = tf.reshape(tf.transpose(frames, [0, 2, 3, 1, 4]), [shape[0], shape[2], shape[3], -1])
    stacked.set_shape([frames.shape[0], frames.shape[2], frames.shape[3], n_frames * channels])
    return stacked


def foreground_mask(encoded_frame: tf.Tensor, fg_labels: Sequence[int]) -> tf.Tensor:
    """[B, H, W, C] encoded labels of the current frame -> [B, H, W, 1]: 1 where a foreground class
    (`fg_labels`, channel indices) is present, the clamped sum of their one-hot channels."""
    if not fg_labels:
        raise ConfigError("the foreground mask needs at least one foreground label (fg_labels)")
    picked = tf.gather(tf.cast(encoded_frame, tf.float32), list(fg_labels), axis=-1)
    return tf.clip_by_value(tf.reduce_sum(picked, axis=-1, keepdims=True), 0.0, 1.0)
