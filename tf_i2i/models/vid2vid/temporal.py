"""The temporal discriminators' inputs (vid2vid Sec. 3.2, official Vid2VidModelD): K = n_frames_D
frames of temporal scale s are 1, K, K**2, ... frames apart, and each discriminator judges those
frames with the K-1 reference flows between them.

Training walks a sequence in chunks, so the frames of a group may come from earlier chunks: each
chunk appends its new frames to a fixed-size history buffer (history_length frames, the most the
coarsest scale reaches back) and counts how many buffered frames belong to the sequence. Fixed sizes
keep the graph static; a group reaching before the sequence's start is marked invalid instead.
"""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.models.vid2vid.inputs import stack_frames

FLOW_INPUT_SCALE = 20.0  # flows enter the temporal discriminator divided by 20


def temporal_discriminator_input(frames: tf.Tensor, flows: tf.Tensor) -> tf.Tensor:
    """frames [B, K, H, W, C] and flows [B, K-1, H, W, 2] (pixels, between consecutive frames) ->
    [B, H, W, K*C + 2*(K-1)]: the frames stacked oldest first, then the flows / 20 stacked the same
    way (the official cat of frames.view(-1, C*K, H, W) and (flow/20).view(-1, 2*(K-1), H, W))."""
    if flows.shape[1] != frames.shape[1] - 1:
        raise ValueError(f"{frames.shape[1]} frames need {frames.shape[1] - 1} flows, got {flows.shape[1]}")
    flows = tf.cast(flows, frames.dtype) / FLOW_INPUT_SCALE
    return tf.concat([stack_frames(frames), stack_frames(flows)], axis=-1)


def history_length(n_scales: int, n_frames_d: int) -> int:
    """Past frames the coarsest temporal scale still needs: K**(n_scales-1) * (K-1)."""
    return n_frames_d ** (n_scales - 1) * (n_frames_d - 1)


def append_frames(history: tf.Tensor, new: tf.Tensor, filled: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """history [B, N, ...] (oldest first) + new [B, T, ...] -> (the frames [B, N + T, ...], how many
    of them belong to the sequence: `filled` history frames plus the T new ones)."""
    return tf.concat([tf.stop_gradient(tf.cast(history, new.dtype)), new], axis=1), filled + new.shape[1]


def newest(frames: tf.Tensor, filled: tf.Tensor, length: int) -> tuple[tf.Tensor, tf.Tensor]:
    """The history to keep for the next chunk: the last `length` frames, and how many are real."""
    return frames[:, -length:], tf.minimum(filled, length)


def group_positions(total: int, n_new: int, scale: int, n_frames_d: int) -> list[list[int]]:
    """Indices into `total` buffered frames of the official get_skipped_frames groups of one scale:
    K frames K**scale apart ending at the newest frame, then stepping back K new frames per group
    while the group still ends at a new frame; oldest frame first."""
    step = n_frames_d ** scale
    span = step * (n_frames_d - 1)
    if total - 1 - span < 0:
        raise ValueError(f"{total} buffered frames cannot hold a group of scale {scale} ({span + 1} frames)")
    return [list(range(total - 1 - t - span, total - t, step)) for t in range(0, n_new, n_frames_d)]


def temporal_groups(frames: tf.Tensor, filled: tf.Tensor, n_new: int, scale: int,
                    n_frames_d: int) -> tuple[tf.Tensor, tf.Tensor]:
    """The groups of `frames` [B, N, ...] (whose last `filled` frames are of the sequence and last
    `n_new` are this chunk's) for one temporal scale: ([G*B, K, ...] stacked along the batch group
    by group, bool [G]: the group lies inside the sequence)."""
    positions = group_positions(frames.shape[1], n_new, scale, n_frames_d)
    span = n_frames_d ** scale * (n_frames_d - 1)
    groups = tf.concat([tf.gather(frames, p, axis=1) for p in positions], axis=0)
    inside = tf.stack([filled - t > span for t in range(0, n_new, n_frames_d)])
    return groups, inside
