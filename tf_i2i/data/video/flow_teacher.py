"""The reference optical flow vid2vid learns from, computed on the CPU with OpenCV's DIS
(Dense Inverse Search, Kroeger et al. 2016) instead of the official FlowNet2, whose CUDA
extensions no longer build.

Flow convention (docs/models/vid2vid.md): the flow from frame i to frame j is the backward
flow that warps frame j onto frame i, float32 [H, W, 2], channel 0 = x (columns), 1 = y (rows),
in pixels: frame_i(p) ~ frame_j(p + flow(p)), what tf_i2i.layers.FlowWarp(frame_j, flow) computes.
"""

from __future__ import annotations

import cv2
import numpy as np

from tf_i2i.data.errors import DatasetError

PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}
# OpenCV 4.14's DIS crashes (segfault) on frames whose short side is below 8 * 2**finest_scale pixels
# when the long side is much longer (e.g. 16x80 with the fast presets) and refuses sides below 12:
# smaller frames are padded to this size (edge pixels repeated) and the flow cropped back.
_MIN_SIDE = 32


def check_preset(preset: str) -> str:
    """`preset`, or a DatasetError naming the presets there are."""
    if preset not in PRESETS:
        raise DatasetError(f"unknown DIS flow preset {preset!r}; one of {', '.join(PRESETS)}")
    return preset


def to_gray(frame: np.ndarray) -> np.ndarray:
    """uint8 [H, W] luma of a uint8 RGB [H, W, 3] or gray [H, W] / [H, W, 1] frame (BT.601 weights,
    the same for every frame, so brightness stays comparable between the two frames of a pair)."""
    frame = np.asarray(frame)
    if frame.dtype != np.uint8:
        raise DatasetError(f"flow needs uint8 frames, got {frame.dtype}")
    if frame.ndim == 3 and frame.shape[-1] == 1:
        frame = frame[..., 0]
    if frame.ndim == 2:
        return np.ascontiguousarray(frame)
    if frame.ndim == 3 and frame.shape[-1] == 3:
        return cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
    raise DatasetError(f"flow needs RGB [H, W, 3] or gray [H, W] frames, got shape {frame.shape}")


def dis_flow(frame_i: np.ndarray, frame_j: np.ndarray, preset: str = "medium") -> np.ndarray:
    """The DIS flow from frame i to frame j: float32 [H, W, 2] with frame_i(p) ~ frame_j(p + flow(p)).

    Frames of different sizes are a DatasetError."""
    gray_i, gray_j = to_gray(frame_i), to_gray(frame_j)
    if gray_i.shape != gray_j.shape:
        raise DatasetError(f"frames of different sizes: {gray_i.shape[1]}x{gray_i.shape[0]} and "
                           f"{gray_j.shape[1]}x{gray_j.shape[0]} (width x height)")
    dis = cv2.DISOpticalFlow_create(PRESETS[check_preset(preset)])
    h, w = gray_i.shape
    flow = dis.calc(_padded(gray_i), _padded(gray_j), None)
    return np.ascontiguousarray(flow[:h, :w])


def _padded(gray: np.ndarray) -> np.ndarray:
    """`gray` with its last rows and columns repeated up to _MIN_SIDE (unchanged when large enough)."""
    bottom, right = max(0, _MIN_SIDE - gray.shape[0]), max(0, _MIN_SIDE - gray.shape[1])
    if not (bottom or right):
        return gray
    return cv2.copyMakeBorder(gray, 0, bottom, 0, right, cv2.BORDER_REPLICATE)
