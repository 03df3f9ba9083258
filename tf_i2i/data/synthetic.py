"""The built-in synthetic data set: street scenes rendered on the fly, no download needed.

Scene ``i`` of split ``s`` is fully determined by (seed, s, i), so the in-memory source and the
files written by :func:`write_synthetic_dataset` hold the same pictures. Per layout:

* ``aligned`` / ``paired_folders``: A = label map in colours (PALETTE), B = day photo.
* ``unpaired``: A = day photos of scenes 0..n-1, B = night photos of scenes n..2n-1 (other scenes).
* ``domains``, ``boxes``: domain d = look d of data.synthetic.looks (default: LOOKS[d], of day,
  night, dusk, fog, night_instances) of scenes d*n..d*n+n-1; ``boxes`` adds the objects' boxes.
* ``labels``: label ids, instance ids (class * 1000 + k for cars, people, sign plates), day photo; with
  num_classes 0 (RGB label pictures) the label colours (PALETTE) instead of the ids.

data.synthetic.signs adds traffic signs to every scene of every layout, drawn from an RNG stream of
their own, so the scenes without them (the default) stay exactly as they were.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import ml_collections
import numpy as np
import tensorflow as tf
from PIL import Image

from tf_i2i.data.boxes.instance_boxes import SYNTHETIC_CLASSES, boxes_from_instance_map
from tf_i2i.data.boxes.text_format import init_annotation_text
from tf_i2i.data.config import DOMAIN_LAYOUTS, DOMAIN_LETTERS, rgb_labels
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.source import Source, domain_indices, epoch_indices, independent_indices
from tf_i2i.data.synthetic_render import (render_day, render_dusk, render_fog, render_night,
                                          render_night_instances)
from tf_i2i.data.synthetic_scene import NUM_CLASSES, PALETTE, make_scene

# Photo looks in domain order (unpaired uses the first two); each draws its noise from its own stream.
# New looks go at the end, so the domain ids of existing configs stay.
RENDERERS = {"day": render_day, "night": render_night, "dusk": render_dusk, "fog": render_fog,
             "night_instances": render_night_instances}
LOOKS = tuple(RENDERERS)
PARTS = ("label", "instance", "palette", *LOOKS)
SIGN_STREAM = 103  # the RNG stream of the traffic signs (looks use 1, 2, ...; the video's streams 101, 102)


def render_sample(seed: int, split: str, index: int, height: int, width: int, parts=PARTS,
                  signs: bool = False) -> dict[str, np.ndarray]:
    """Render the requested parts of scene ``index``: uint8 [H, W, 3] pictures, uint8/int32 [H, W] maps;
    with ``signs`` the same scene with traffic signs."""
    key = [int(seed), zlib.crc32(split.encode()), int(index)]
    sign_rng = np.random.default_rng(key + [SIGN_STREAM]) if signs else None
    scene = make_scene(np.random.default_rng(key), height, width, sign_rng)
    out = {"label": scene.label, "instance": scene.instance, "palette": PALETTE[scene.label]}
    for stream, look in enumerate(LOOKS, start=1):
        if look in parts:
            out[look] = RENDERERS[look](scene, np.random.default_rng(key + [stream]))
    return {name: out[name] for name in parts}


def domain_looks(num_domains: int, looks: Sequence[str] = ()) -> tuple[str, ...]:
    """The looks of the synthetic ``domains`` and ``boxes`` layouts, one per domain: ``looks``
    (data.synthetic.looks) or, when empty, the first ``num_domains`` of LOOKS."""
    if looks:
        unknown = [look for look in looks if look not in LOOKS]
        if unknown or len(set(looks)) != len(looks) or len(looks) != num_domains:
            raise DatasetError(
                f"data.synthetic.looks must name data.num_domains ({num_domains}) different looks of {LOOKS}, "
                f"got {tuple(looks)}" + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        return tuple(looks)
    if not 2 <= num_domains <= len(LOOKS):
        raise DatasetError(
            f"the synthetic data set has {len(LOOKS)} domain looks {LOOKS}; data.num_domains must be "
            f"2..{len(LOOKS)}, got {num_domains}"
        )
    return LOOKS[:num_domains]


def image_hw(image_size: int | tuple[int, int]) -> tuple[int, int]:
    """(height, width) of data.synthetic.image_size: an int (square) or (height, width)."""
    return (image_size, image_size) if isinstance(image_size, int) else (int(image_size[0]), int(image_size[1]))


def scenes(cfg: ml_collections.ConfigDict) -> tuple[int, int, int]:
    """(scenes per domain, height, width) of ``cfg.synthetic``; DatasetError when they cannot be rendered."""
    syn = cfg.synthetic
    n, (h, w) = syn.num_images, image_hw(syn.image_size)
    if n < 1 or h < 8 or w < 8:
        raise DatasetError(f"data.synthetic needs num_images >= 1 and image_size >= 8, got {n} and {syn.image_size}")
    if cfg.preprocess == "crop" and min(h, w) < cfg.crop_size:
        raise DatasetError(f"image too small: data.synthetic.image_size {syn.image_size} < crop_size {cfg.crop_size}")
    return n, h, w


def synthetic_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Render scenes lazily inside tf.data (one numpy_function call per element)."""
    (n, h, w), scene_seed, signs = scenes(cfg), cfg.synthetic.seed, cfg.synthetic.signs
    if cfg.layout == "labels" and 0 < cfg.num_classes < NUM_CLASSES:
        raise DatasetError(
            f"the synthetic data set has {NUM_CLASSES} classes but data.num_classes is {cfg.num_classes}"
        )

    def rendered(index: tf.Tensor, parts: tuple[str, ...]) -> list[tf.Tensor]:
        def run(i):
            sample = render_sample(scene_seed, split, int(i), h, w, parts, signs)
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
    if cfg.layout == "domains":
        looks = domain_looks(cfg.num_domains, cfg.synthetic.looks)

        def load(rec):
            def look_of(d: int, look: str):  # domain d renders scenes d*n..d*n+n-1
                return lambda: rendered(rec["index"] + d * n, (look,))[0]

            branches = [look_of(d, look) for d, look in enumerate(looks)]
            return {"image": tf.switch_case(tf.cast(rec["domain"], tf.int32), branches), "domain": rec["domain"]}

        sizes = [n] * len(looks)
        return Source(lambda seed, shuffle, repeat: domain_indices(sizes, seed, shuffle, repeat), load)
    if cfg.layout == "labels":
        label_part, drawn_as = ("label_image", "palette") if rgb_labels(cfg) else ("label", "label")

        def load(index):
            return dict(zip((label_part, "instance", "image"), rendered(index, (drawn_as, "instance", "day"))))
    else:

        def load(index):
            return dict(zip(("A", "B"), rendered(index, ("palette", "day"))))

    return Source(lambda seed, shuffle, repeat: epoch_indices(n, seed, shuffle, repeat), load)


# File name pattern of each written part, per layout (the trees docs/datasets.md shows); the domain
# layouts' (DOMAIN_LAYOUTS) follow from their looks (domain_files).
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


def domain_files(looks: Sequence[str], boxes: bool) -> dict[str, str]:
    """File patterns of the domain layouts: look d in {split}<letter d>/<look>_<i>.png; with ``boxes``
    its INIT annotation text in {split}<letter d>_boxes/<look>_<i>.txt."""
    files = {look: f"{{split}}{letter}/{look}_{{i:05d}}.png" for letter, look in zip(DOMAIN_LETTERS, looks)}
    if boxes:
        files |= {f"{look}_boxes": f"{{split}}{letter}_boxes/{look}_{{i:05d}}.txt"
                  for letter, look in zip(DOMAIN_LETTERS, looks)}
    return files


def _file_arrays(layout: str, parts: tuple[str, ...], seed: int, split: str, i: int, n: int, h: int,
                 w: int, signs: bool) -> dict[str, np.ndarray | str]:
    if layout == "boxes":  # as domains, with each scene's boxes as INIT annotation text
        looks = [p for p in parts if p in LOOKS]
        samples = [render_sample(seed, split, i + d * n, h, w, (look, "instance"), signs)
                   for d, look in enumerate(looks)]
        return {
            **{look: s[look] for look, s in zip(looks, samples)},
            **{f"{look}_boxes": init_annotation_text(f"{look}_{i:05d}.png",
                                                     boxes_from_instance_map(s["instance"], SYNTHETIC_CLASSES))
               for look, s in zip(looks, samples)},
        }
    if layout in ("unpaired", "domains"):  # each look shows other scenes: look d renders scenes d*n..d*n+n-1
        return {look: render_sample(seed, split, i + d * n, h, w, (look,), signs)[look] for d, look in enumerate(parts)}
    if layout == "aligned":
        sample = render_sample(seed, split, i, h, w, ("palette", "day"), signs)
        return {"aligned": np.concatenate([sample["palette"], sample["day"]], axis=1)}
    sample = render_sample(seed, split, i, h, w, parts, signs)
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
    num_domains: int = 3,
    looks: Sequence[str] = (),
    signs: bool = False,
) -> Path:
    """Write the synthetic scenes as PNG files in the folder layout ``layout`` reads; returns ``root``.

    ``image_size`` is an int (square) or (height, width); aligned files are twice as wide.
    ``num_domains`` (``domains``, ``boxes``) is how many looks get a folder ({split}A, {split}B, ...):
    ``looks`` (as data.synthetic.looks) or the first ones of LOOKS; ``boxes`` adds {split}A_boxes/<stem>.txt,
    ... (INIT annotation text of the cars, people and signs). ``signs`` as data.synthetic.signs.
    """
    if layout in DOMAIN_LAYOUTS:
        files = domain_files(domain_looks(num_domains, looks), boxes=layout == "boxes")
    elif layout in LAYOUT_FILES:
        files = LAYOUT_FILES[layout]
    else:
        raise DatasetError(f"unknown layout {layout!r}; expected one of {(*LAYOUT_FILES, *DOMAIN_LAYOUTS)}")
    root = Path(root)
    h, w = image_hw(image_size)
    for pattern in files.values():
        (root / pattern.format(split=split, i=0)).parent.mkdir(parents=True, exist_ok=True)
    for i in range(num_images):
        arrays = _file_arrays(layout, tuple(files), seed, split, i, num_images, h, w, signs)
        for part, pattern in files.items():
            if isinstance(arrays[part], str):  # box text
                (root / pattern.format(split=split, i=i)).write_text(arrays[part])
            else:
                Image.fromarray(arrays[part]).save(root / pattern.format(split=split, i=i))
    return root
