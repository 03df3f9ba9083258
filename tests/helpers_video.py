"""Helpers shared by the video data tests (this module holds no tests)."""

from __future__ import annotations

from pathlib import Path

import ml_collections
import numpy as np
from PIL import Image

from tests.helpers_data import data_cfg

NUM_CLASSES = 4


def video_cfg(root: Path, **fields) -> ml_collections.ConfigDict:
    """A video data config over the folder ``root``, frames as stored; ``fields`` use dotted names."""
    cfg = data_cfg(source=str(root), layout="video", num_classes=NUM_CLASSES, preprocess="none", flip=False)
    cfg.video = ml_collections.ConfigDict(
        {"n_frames_G": 3, "flow": "none", "flow_preset": "ultrafast", "edges": "", "canny_low": 100, "canny_high": 200}
    )
    cfg.update_from_flattened_dict(fields)
    return cfg


def write_sequence(root: Path, name: str, n: int, size: tuple[int, int] = (6, 8), split: str = "train",
                   parts: tuple[str, ...] = ("A", "B"), rgb_a: bool = False, seed: int = 0) -> dict[str, np.ndarray]:
    """Frames 00000.png ... of one sequence in ``<split>_<part>/<name>/`` (A: class ids, or RGB with
    ``rgb_a``; B: RGB; inst: 16-bit ids); returns the arrays written, [n, H, W(, 3)] per part."""
    rng = np.random.default_rng(seed)
    height, width = size
    arrays = {
        "A": rng.integers(0, 256, (n, height, width, 3)) if rgb_a else rng.integers(0, NUM_CLASSES, (n, height, width)),
        "B": rng.integers(0, 256, (n, height, width, 3)),
        "inst": rng.integers(0, 3000, (n, height, width)),
    }
    for part in parts:
        folder = root / f"{split}_{part}" / name
        folder.mkdir(parents=True, exist_ok=True)
        for i, frame in enumerate(arrays[part]):
            Image.fromarray(frame.astype(np.uint16 if part == "inst" else np.uint8)).save(folder / f"{i:05d}.png")
    return {part: arrays[part] for part in parts}
