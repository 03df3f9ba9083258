"""How coherent a generated video is: each frame against the previous frame warped by the flow of the
real video (the warp error of Lai et al., ECCV 2018, as vid2vid's flow-based comparisons use it).

The flow comes from the real frames, not the generated ones, so a video cannot score well by being
blurry or static where the real one moves; pixels where the real frames themselves do not follow the
flow (occlusions, flow errors: the teacher's confidence, vid2vid's 0.02 rule) are left out."""

from __future__ import annotations

import dataclasses

import numpy as np

from tf_i2i.data.video.flow_files import sample_bilinear
from tf_i2i.data.video.flow_teacher import dis_flow
from tf_i2i.models.vid2vid.reference_flow import CONFIDENCE_THRESHOLD


@dataclasses.dataclass(frozen=True)
class WarpError:
    """Mean absolute error in grey levels (0-255) over the confident pixels of every frame pair:
    `frames` for the judged video, `reference` for the real video itself (what perfect coherence
    with that flow leaves), `confident` the fraction of pixels counted."""

    frames: float
    reference: float
    confident: float


def _to_unit(frames: np.ndarray) -> np.ndarray:
    return frames.astype(np.float32) / 127.5 - 1.0


def warp_error(frames: np.ndarray, reference: np.ndarray, preset: str = "medium") -> WarpError:
    """`frames` and `reference`: uint8 RGB videos [T, H, W, 3] of the same size (T >= 2); the flow of
    each reference frame to the one before it (DIS, `preset`) judges both."""
    if frames.shape != reference.shape or frames.ndim != 4 or frames.shape[0] < 2:
        raise ValueError(f"two videos of the same shape [T >= 2, H, W, 3] are needed, got {frames.shape} "
                         f"and {reference.shape}")
    errors, reference_errors, counted, total = 0.0, 0.0, 0, 0
    for t in range(1, len(frames)):
        flow = dis_flow(reference[t], reference[t - 1], preset)
        real, real_prev = _to_unit(reference[t]), _to_unit(reference[t - 1])
        confident = np.sum((real - sample_bilinear(real_prev, flow)) ** 2, axis=-1) < CONFIDENCE_THRESHOLD
        fake, fake_prev = _to_unit(frames[t]), _to_unit(frames[t - 1])
        errors += float(np.abs(fake - sample_bilinear(fake_prev, flow))[confident].sum())
        reference_errors += float(np.abs(real - sample_bilinear(real_prev, flow))[confident].sum())
        counted += int(confident.sum())
        total += confident.size
    channels = frames.shape[-1]
    scale = 127.5 / max(counted * channels, 1)
    return WarpError(errors * scale, reference_errors * scale, counted / total)
