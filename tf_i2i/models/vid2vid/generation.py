"""Sequential, coarse-to-fine frame generation (official Vid2VidModelG.generate_frame_train and
generate_frame_infer): each new frame t is generated from the label frames t-tG+1..t and the tG-1
frames generated before it, coarsest spatial scale first, every finer scale adding the coarser one's
features. Training and the per-frame serving endpoint share it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import tensorflow as tf

from tf_i2i.layers import AvgPoolExcludePad
from tf_i2i.models.vid2vid.inputs import fold_time, foreground_mask, stack_frames, unfold_time
from tf_i2i.models.vid2vid.networks import CompositeBase

def frame_pyramid(frames: tf.Tensor, levels: int) -> list[tf.Tensor]:
    """[B, T, H, W, C] -> `levels` tensors, level k downsampled k times (level 0 = the frames), as the
    official build_pyr: AvgPool2d(3, 2, 1, count_include_pad=False)."""
    downsample = AvgPoolExcludePad(3, 2, 1, dtype=frames.dtype.name)
    pyramid = [frames]
    for _ in range(levels - 1):
        pyramid.append(unfold_time(downsample(fold_time(pyramid[-1])), frames.shape[1]))
    return pyramid


def gradient_scale(x: tf.Tensor, scale: tf.Tensor) -> tf.Tensor:
    """x, whose gradient is multiplied by `scale` (0 detaches it, as the official .detach() of the
    coarser scales while only the finest one trains)."""
    stopped = tf.stop_gradient(x)
    return stopped + tf.cast(scale, x.dtype) * (x - stopped)


@dataclasses.dataclass
class GeneratedFrames:
    """`frames[k]`: the new frames at pyramid level k [B, n, Hk, Wk, C]; `raw`, `flow`, `weight`: the
    finest scale's hallucinated frames, flows and occlusion weights [B, n, H, W, .] (flow and weight
    None without the flow branch)."""

    frames: list[tf.Tensor]
    raw: tf.Tensor
    flow: tf.Tensor | None
    weight: tf.Tensor | None


def generate_frames(generators: Sequence[CompositeBase], labels: Sequence[tf.Tensor], previous: Sequence[tf.Tensor],
                    fg_labels: Sequence[int] = (), raw_only: tf.Tensor | bool = False,
                    coarse_gradient: tf.Tensor | float = 1.0, training: bool = False) -> GeneratedFrames:
    """Generates the frames after `previous`, one per label frame beyond the first tG-1.

    generators: G0 (coarsest) .. G_{S-1} (full size); labels[k] / previous[k]: pyramid level k
    (0 = full size) of the encoded label frames [B, L, Hk, Wk, Cl] and the tG-1 frames before the
    first new one [B, tG-1, Hk, Wk, C]. `raw_only` (bool tensor): the frame is the hallucinated one,
    unwarped (the official first frame with --no_first_img). `coarse_gradient`: 0 stops the gradient
    into the coarser scales (official niter_fix_global). The previous-frame inputs are always
    detached, as the official n_frames_bp = 1."""
    n_scales = len(generators)
    n_prev = previous[0].shape[1]
    n_new = labels[0].shape[1] - n_prev
    history = [list(tf.unstack(tf.cast(p, tf.float32), axis=1)) for p in previous]  # frames as generated: float32
    raws, flows, weights = [], [], []
    for t in range(n_new):
        coarse = None
        for s, generator in enumerate(generators):
            level = n_scales - 1 - s
            frames = labels[level][:, t:t + n_prev + 1]
            prev = tf.stop_gradient(tf.stack(history[level][t:t + n_prev], axis=1))
            mask = foreground_mask(frames[:, -1], fg_labels) if generator.fg_head is not None else None
            out = generator(stack_frames(frames), stack_frames(tf.cast(prev, frames.dtype)), mask, coarse,
                            training=training)
            frame = tf.where(raw_only, out["img_raw"], out["img_final"])
            if s < n_scales - 1:
                frame = gradient_scale(frame, coarse_gradient)
                coarse = {k: gradient_scale(out[k], coarse_gradient) for k in ("img_feat", "flow_feat", "img_fg_feat")
                          if k in out}
            history[level].append(tf.cast(frame, tf.float32))
        raws.append(out["img_raw"])
        flows.append(out.get("flow"))
        weights.append(out.get("weight"))
    stacked = [tf.stack(h[n_prev:], axis=1) for h in history]
    has_flow = flows[0] is not None
    return GeneratedFrames(stacked, tf.stack(raws, axis=1), tf.stack(flows, axis=1) if has_flow else None,
                           tf.stack(weights, axis=1) if has_flow else None)
