"""What the video pipeline needs from a set of sequences (folders, video files, the synthetic video).

Sources return whole frames at their original size as numpy arrays; the pipeline samples frames,
augments and cuts them into chunks. Frames are addressed by their index in the sequence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import ml_collections
import numpy as np

from tf_i2i.data.config import rgb_labels


@dataclasses.dataclass(frozen=True)
class SequenceSet:
    """The sequences of one split.

    ``load(sequence, frames)``: frames int [n] -> parts, numpy: "label" int32 [n, H, W] class ids or
    "label_image" uint8 [n, H, W, C]; "instance" int32 [n, H, W]; "image" uint8 [n, H, W, 3]; only the
    parts of :func:`requested_parts`.
    ``flows(sequence, pairs)``: pairs int [m, 2] of frame indices (i, j) -> float32 [m, H, W, 2], the flow
    from frame i to frame j (frame_i(p) ~ frame_j(p + flow(p)), x then y, pixels) at the original size.
    """

    names: tuple[str, ...]  # one per sequence (folder name or video file stem), for messages
    lengths: tuple[int, ...]  # frames per sequence
    channels: dict[str, int]  # part -> channels: "label" 1 | "label_image" a_channels, "instance" 1, "image" 3
    load: Callable[[int, np.ndarray], dict[str, np.ndarray]]
    flows: Callable[[int, np.ndarray], np.ndarray]


def requested_parts(cfg: ml_collections.ConfigDict) -> tuple[str, ...]:
    """The parts ``load`` returns for the data config ``cfg`` (layout "video")."""
    label = "label_image" if rgb_labels(cfg) else "label"
    return (label, "instance", "image") if cfg.use_instance else (label, "image")
