"""The edges->video mode (data.video.edges = "canny"): the input frames are edge maps of the real ones.

Edges are computed from each real frame at its stored size, before any resize or crop, with
OpenCV's Canny on the ITU-R 601 luma (no blur first; hysteresis thresholds data.video.canny_low
and canny_high on the 3x3 Sobel gradient). They reach the pipeline as "label_image" frames with
one channel: 255 on an edge, 0 elsewhere.
"""

from __future__ import annotations

import cv2
import ml_collections
import numpy as np

from tf_i2i.data.errors import DatasetError

EDGE_MODES = ("", "canny")


def check_edges_config(cfg: ml_collections.ConfigDict) -> None:
    """Settings the edges mode cannot work with, as a DatasetError naming the field."""
    mode = cfg.video.edges
    if mode not in EDGE_MODES:
        raise DatasetError(
            f"data.video.edges must be one of {EDGE_MODES} ('' = input frames from <split>_A), got {mode!r}"
        )
    if not mode:
        return
    if cfg.num_classes != 0:
        raise DatasetError(
            f"data.video.edges={mode!r} makes the input frames edge maps, not class ids: "
            f"set data.num_classes=0 (got {cfg.num_classes})"
        )
    if cfg.a_channels != 1:
        raise DatasetError(f"data.video.edges={mode!r} gives 1-channel input frames: set data.a_channels=1 "
                           f"(got {cfg.a_channels})")
    low, high = cfg.video.canny_low, cfg.video.canny_high
    if not 0 <= low <= high:
        raise DatasetError(f"data.video.canny_low ({low}) and canny_high ({high}) must satisfy 0 <= low <= high")


def canny_edges(frames: np.ndarray, low: float, high: float) -> np.ndarray:
    """uint8 edge maps [n, H, W, 1] (0 or 255) of uint8 frames [n, H, W, C] (C = 3 RGB, or 1 grey)."""
    edges = []
    for frame in frames:
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) if frame.shape[-1] == 3 else frame[..., 0]
        edges.append(cv2.Canny(np.ascontiguousarray(grey), low, high))
    return np.stack(edges)[..., None]
