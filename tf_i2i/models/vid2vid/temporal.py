"""The temporal discriminators' inputs (vid2vid Sec. 3.2, official Vid2VidModelD): K = n_frames_D
consecutive frames of temporal scale s are 1, K, K**2, ... frames apart, and each discriminator judges
those frames with the K-1 reference flows between them."""

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


def skipped_frames(history: tf.Tensor | None, new: tf.Tensor, n_scales: int,
                   n_frames_d: int) -> tuple[tf.Tensor, list[tf.Tensor | None]]:
    """The official get_skipped_frames: appends `new` [B, T, ...] to `history` (frames of earlier
    chunks, or None) and, per temporal scale s, cuts groups of K = n_frames_d frames K**s apart
    ending at each of the newest frames, stepping back K frames between groups; the groups of a scale
    are stacked along the batch ([B*groups, K, ...], oldest frame first; None when the sequence is
    still too short for the scale). Returns (the history to keep for the next chunk, groups)."""
    frames = new if history is None else tf.concat([tf.stop_gradient(history), new], axis=1)
    total, n_new = frames.shape[1], new.shape[1]
    groups: list[tf.Tensor | None] = []
    for s in range(n_scales):
        step = n_frames_d ** s
        span = step * (n_frames_d - 1)
        picked = [tf.gather(frames, list(range(total - 1 - t - span, total - t, step)), axis=1)
                  for t in range(0, min(total - span, n_new), n_frames_d)]
        groups.append(tf.concat(picked, axis=0) if picked else None)
    keep = history_length(n_scales, n_frames_d)
    return (frames[:, -keep:] if total > keep else frames), groups
