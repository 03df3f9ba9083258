"""The built-in synthetic data set: street scenes rendered on the fly, no download needed.

Scene ``i`` of split ``s`` is fully determined by (seed, s, i), so the in-memory source and the
files written by :func:`write_synthetic_dataset` hold the same pictures. Per layout:

* ``aligned`` / ``paired_folders``: A = label map in colours (PALETTE), B = day photo.
* ``unpaired``: A = day photos of scenes 0..n-1, B = night photos of scenes n..2n-1 (other scenes).
* ``labels``: label ids, instance ids (class * 1000 + k for cars and people), day photo; with
  num_classes 0 (RGB label pictures) the label colours (PALETTE) instead of the ids.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import ml_collections
import numpy as np
import tensorflow as tf
from PIL import Image

from tf_i2i.data.config import rgb_labels
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.source import Source, epoch_indices, independent_indices
from tf_i2i.data.synthetic_render import render_day, render_night
from tf_i2i.data.synthetic_scene import NUM_CLASSES, PALETTE, make_scene

PARTS = ("label", "instance", "palette", "day", "night")


def render_sample(seed: int, split: str, index: int, height: int, width: int, parts=PARTS) -> dict[str, np.ndarray]:
    """Render the requested parts of scene ``index``: uint8 [H, W, 3] pictures, uint8/int32 [H, W] maps."""
    key = [int(seed), zlib.crc32(split.encode()), int(index)]
    scene = make_scene(np.random.default_rng(key), height, width)
    out = {"label": scene.label, "instance": scene.instance, "palette": PALETTE[scene.label]}
    if "day" in parts:
        out["day"] = render_day(scene, np.random.default_rng(key + [1]))
    if "night" in parts:
        out["night"] = render_night(scene, np.random.default_rng(key + [2]))
    return {name: out[name] for name in parts}


def _size(image_size: int | tuple[int, int]) -> tuple[int, int]:
    return (image_size, image_size) if isinstance(image_size, int) else (int(image_size[0]), int(image_size[1]))


def synthetic_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Render scenes lazily inside tf.data (one numpy_function call per element)."""
    syn = cfg.synthetic
    n, (h, w), scene_seed = syn.num_images, _size(syn.image_size), syn.seed
    if n < 1 or h < 8 or w < 8:
        raise DatasetError(f"data.synthetic needs num_images >= 1 and image_size >= 8, got {n} and {syn.image_size}")
    if cfg.preprocess == "crop" and min(h, w) < cfg.crop_size:
        raise DatasetError(f"image too small: data.synthetic.image_size {syn.image_size} < crop_size {cfg.crop_size}")
    if cfg.layout == "labels" and 0 < cfg.num_classes < NUM_CLASSES:
        raise DatasetError(
            f"the synthetic data set has {NUM_CLASSES} classes but data.num_classes is {cfg.num_classes}"
        )

    def rendered(index: tf.Tensor, parts: tuple[str, ...]) -> list[tf.Tensor]:
        def run(i):
            sample = render_sample(scene_seed, split, int(i), h, w, parts)
            return [sample[p].astype(np.int32) if p in ("label", "instance") else sample[p] for p in parts]

        dtypes = [tf.int32 if p in ("label", "instance") else tf.uint8 for p in parts]
        outs = tf.numpy_function(run, [index], dtypes, stateful=False)
        for p, out in zip(parts, outs):
            out.set_shape([h, w] if p in ("label", "instance") else [h, w, 3])
        return [o[..., None] if p in ("label", "instance") else o for p, o in zip(parts, outs)]

    if cfg.layout == "unpaired":

        def load(rec):
            return {"A": rendered(rec["A"], ("day",))[0], "B": rendered(rec["B"] + n, ("night",))[0]}

        return Source(lambda seed, shuffle, repeat: independent_indices(n, n, seed, shuffle, repeat), load)
    if cfg.layout == "labels":
        label_part, drawn_as = ("label_image", "palette") if rgb_labels(cfg) else ("label", "label")

        def load(index):
            return dict(zip((label_part, "instance", "image"), rendered(index, (drawn_as, "instance", "day"))))
    else:

        def load(index):
            return dict(zip(("A", "B"), rendered(index, ("palette", "day"))))

    return Source(lambda seed, shuffle, repeat: epoch_indices(n, seed, shuffle, repeat), load)


# File name pattern of each written part, per layout (the trees docs/datasets.md shows).
LAYOUT_FILES = {
    "aligned": {"aligned": "{split}/{i:05d}.png"},
    "paired_folders": {"palette": "{split}A/{i:05d}.png", "day": "{split}B/{i:05d}.png"},
    "unpaired": {"day": "{split}A/day_{i:05d}.png", "night": "{split}B/night_{i:05d}.png"},
    "labels": {
        "label": "{split}_label/scene_{i:05d}_gtFine_labelIds.png",
        "instance": "{split}_inst/scene_{i:05d}_gtFine_instanceIds.png",
        "day": "{split}_img/scene_{i:05d}_leftImg8bit.png",
    },
}


def _file_arrays(layout: str, seed: int, split: str, i: int, n: int, h: int, w: int) -> dict[str, np.ndarray]:
    if layout == "unpaired":  # night photos show other scenes than the day photos
        return {
            "day": render_sample(seed, split, i, h, w, ("day",))["day"],
            "night": render_sample(seed, split, i + n, h, w, ("night",))["night"],
        }
    if layout == "aligned":
        sample = render_sample(seed, split, i, h, w, ("palette", "day"))
        return {"aligned": np.concatenate([sample["palette"], sample["day"]], axis=1)}
    sample = render_sample(seed, split, i, h, w, tuple(LAYOUT_FILES[layout]))
    if "instance" in sample:
        sample["instance"] = sample["instance"].astype(np.uint16)  # saved as a 16-bit PNG
    return sample


def write_synthetic_dataset(
    root: str | Path,
    layout: str,
    num_images: int,
    image_size: int | tuple[int, int],
    seed: int = 0,
    *,
    split: str = "train",
) -> Path:
    """Write the synthetic scenes as PNG files in the folder layout ``layout`` reads; returns ``root``.

    ``image_size`` is an int (square) or (height, width); aligned files are twice as wide.
    """
    if layout not in LAYOUT_FILES:
        raise DatasetError(f"unknown layout {layout!r}; expected one of {tuple(LAYOUT_FILES)}")
    root = Path(root)
    h, w = _size(image_size)
    files = LAYOUT_FILES[layout]
    for pattern in files.values():
        (root / pattern.format(split=split, i=0)).parent.mkdir(parents=True, exist_ok=True)
    for i in range(num_images):
        arrays = _file_arrays(layout, seed, split, i, num_images, h, w)
        for part, pattern in files.items():
            Image.fromarray(arrays[part]).save(root / pattern.format(split=split, i=i))
    return root
