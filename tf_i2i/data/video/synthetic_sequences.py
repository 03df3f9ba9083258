"""The built-in synthetic video as a SequenceSet: moving street scenes rendered on the fly, no download.

Sequence ``i`` of a split depends only on (data.synthetic.seed, split, i) (and its size). The set is
small, so a process keeps the sequences it rendered and the DIS flows it computed in memory, for
every data set it builds.
"""

from __future__ import annotations

import functools

import ml_collections
import numpy as np

from tf_i2i.data.errors import DatasetError
from tf_i2i.data.synthetic_street import NUM_CLASSES, PALETTE
from tf_i2i.data.video.sequence_source import SequenceSet, requested_parts


def _check(cfg: ml_collections.ConfigDict, height: int, width: int) -> None:
    syn = cfg.video.synthetic
    if syn.num_sequences < 1 or height < 8 or width < 8:
        raise DatasetError(
            f"data.video.synthetic needs num_sequences >= 1 and image_size >= 8, got {syn.num_sequences} and "
            f"{syn.image_size}"
        )
    if cfg.video.flow == "files":
        raise DatasetError("data.video.flow 'files' reads <split>_flow/ folders; the synthetic video has none "
                           "(use 'dis' or 'none')")
    if cfg.video.edges:
        raise DatasetError("data.video.edges computes the input from a real video's frames; data.source "
                           "'synthetic' has label maps (set data.video.edges='')")
    if 0 < cfg.num_classes < NUM_CLASSES:
        raise DatasetError(f"the synthetic video has {NUM_CLASSES} classes but data.num_classes is {cfg.num_classes}")
    if cfg.preprocess == "crop" and min(height, width) < cfg.crop_size:
        raise DatasetError(f"image too small: data.video.synthetic.image_size {syn.image_size} < crop_size "
                           f"{cfg.crop_size}")


@functools.lru_cache(maxsize=None)
def _rendered(seed: int, split: str, index: int, n_frames: int, height: int, width: int) -> dict[str, np.ndarray]:
    """One rendered sequence's label, instance and image frames (its ground-truth flows are not used)."""
    from tf_i2i.data.synthetic_video import render_sequence

    rendered = render_sequence(seed, split, index, n_frames, height, width)
    return {part: rendered[part] for part in ("label", "instance", "image")}


_DIS_FLOWS: dict[tuple, np.ndarray] = {}  # ((sequence key, preset), i, j) -> DIS flow from frame i to frame j


def synthetic_sequences(cfg: ml_collections.ConfigDict, split: str) -> SequenceSet:
    """``data.video.synthetic.num_sequences`` sequences of ``n_frames`` frames of ``image_size`` (h, w)."""
    syn = cfg.video.synthetic
    height, width = int(syn.image_size[0]), int(syn.image_size[1])
    _check(cfg, height, width)
    parts, preset = requested_parts(cfg), cfg.video.flow_preset

    def key(index: int) -> tuple:
        return cfg.synthetic.seed, split, index, syn.n_frames, height, width

    def load(index: int, frames: np.ndarray) -> dict[str, np.ndarray]:
        rendered = _rendered(*key(index))
        arrays = {part: rendered[part][frames] for part in parts if part != "label_image"}
        if "label_image" in parts:  # num_classes 0: the label colours
            arrays["label_image"] = PALETTE[rendered["label"][frames]]
        return arrays

    def flows(index: int, pairs: np.ndarray) -> np.ndarray:
        from tf_i2i.data.video.flow_teacher import dis_flow

        image, sequence = _rendered(*key(index))["image"], (*key(index), preset)
        for i, j in pairs.tolist():
            if (sequence, i, j) not in _DIS_FLOWS:
                _DIS_FLOWS[sequence, i, j] = dis_flow(image[i], image[j], preset)
        return np.stack([_DIS_FLOWS[sequence, i, j] for i, j in pairs.tolist()])

    channels = {"label": 1, "label_image": 3, "instance": 1, "image": 3}
    return SequenceSet(
        names=tuple(f"synthetic {split} sequence {i}" for i in range(syn.num_sequences)),
        lengths=(syn.n_frames,) * syn.num_sequences,
        channels={part: channels[part] for part in parts},
        load=load,
        flows=flows,
    )
