"""What a video source hands the video pipeline: its sequences, a frame loader and a flow loader."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class SequenceSet:
    names: tuple[str, ...]          # one per sequence (folder name or video file stem), for messages
    lengths: tuple[int, ...]        # frames per sequence
    channels: dict[str, int]        # part -> channels: "label" 1 | "label_image" a_channels, "instance" 1, "image" 3
    load: Callable[[int, np.ndarray], dict[str, np.ndarray]]
        # (sequence index, original frame indices int [n]) -> parts, numpy:
        # "label" int32 [n, H, W] class ids | "label_image" uint8 [n, H, W, C]; "instance" int32 [n, H, W];
        # "image" uint8 [n, H, W, 3]. Only the parts the data config asks for.
    flows: Callable[[int, np.ndarray], np.ndarray]
        # (sequence index, pairs int [m, 2] of original frame indices (i, j)) -> float32 [m, H, W, 2] flow i->j
        # at the ORIGINAL resolution (from A's FlowCache / UserFlows; synthetic: DIS, cached in memory)
