"""Eager checks of a folder data set, run before the tf.data pipeline exists (fail before training).

Images are checked from their headers (Pillow ``open``/``verify``, the JPEG end marker), label
maps from their pixels (ids, after ADE20K's shift for that layout, must be < num_classes unless
they are the dontcare id). Files are checked in a thread pool; big data sets print a progress
line to stderr. All problems are collected; the :class:`DatasetError` names the first (file and
problem) and counts the rest.

Channel rule for images (A, B, photos): 1 channel (L, 1-bit, 16-bit grey) or 3 (RGB, palette)
are accepted and converted to the configured count (grey -> RGB by copying, RGB -> grey by
ITU-R 601 luma). RGBA (or a palette with transparency) is accepted as RGB only when the alpha
is fully opaque. Anything else (grey+alpha, CMYK, transparent RGBA, ...) is an error.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time

import ml_collections
import numpy as np
from PIL import Image

from tf_i2i.data.config import DOMAIN_LETTERS
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import FileSet
from tf_i2i.data.labels import from_ade20k

GREY_MODES = ("1", "L", "I;16", "I;16B", "I;16L")
RGB_MODES = ("RGB", "P")
INSTANCE_MODES = ("L", "I;16", "I;16B", "I;16L", "I")
JPEG_EXTENSIONS = (".jpg", ".jpeg")
ROLES = {
    "AB": "aligned", "image": "image", "label_image": "image", "label": "label", "instance": "instance",
    **dict.fromkeys(DOMAIN_LETTERS, "image"),  # A, B (unpaired, paired_folders) and the domains' C, D, ...
}
PROGRESS_MIN_FILES = 500


def _has_jpeg_end(path: str) -> bool:
    """JPEG data ends with the EOI marker FFD9 (possibly followed by a little padding)."""
    with open(path, "rb") as f:
        f.seek(max(os.path.getsize(path) - 64, 0))
        return b"\xff\xd9" in f.read()


def _check_image(path: str, im: Image.Image, role: str, cfg: ml_collections.ConfigDict) -> None:
    has_alpha = im.mode in ("RGBA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if im.mode not in GREY_MODES + RGB_MODES + ("RGBA",):
        raise DatasetError(
            f"wrong channel count: {path} has mode {im.mode} ({len(im.getbands())} channels); "
            "images need 1 (grey) or 3 (RGB) channels, or RGBA with an opaque alpha"
        )
    if has_alpha and im.convert("RGBA").getchannel("A").getextrema()[0] < 255:
        raise DatasetError(f"wrong channel count: {path} has 4 channels (RGBA) with transparent pixels; need 1 or 3")
    width, height = im.size
    if role == "aligned":
        if width % 2:
            raise DatasetError(
                f"odd width: aligned image {path} is {width} pixels wide; its A|B halves need an even width"
            )
        width //= 2
    if cfg.preprocess == "crop" and min(width, height) < cfg.crop_size:
        raise DatasetError(
            f"image too small: {path} is {width}x{height} (width x height{', per half' if role == 'aligned' else ''}), "
            f"smaller than crop_size {cfg.crop_size} needed by preprocess='crop'"
        )


def _check_label(path: str, im: Image.Image, cfg: ml_collections.ConfigDict) -> None:
    if path.lower().endswith(JPEG_EXTENSIONS):
        raise DatasetError(f"lossy label map: {path} is a JPEG; class ids must be stored losslessly (PNG)")
    if im.mode != "L":
        raise DatasetError(
            f"wrong channel count: label map {path} has mode {im.mode} ({len(im.getbands())} channels); label maps "
            "must be single-channel 8-bit (mode L) class ids (for a palette PNG, save its indices as mode L)"
        )
    stored = np.flatnonzero(np.bincount(np.asarray(im).ravel(), minlength=256))
    ids = from_ade20k(stored) if cfg.layout == "ade20k" else stored
    bad = [int(s) for s, i in zip(stored, ids) if i >= cfg.num_classes and i != cfg.dontcare_label]
    if bad:
        if cfg.layout == "ade20k":
            hint = " after ADE20K's shift (stored id k is class k - 1, 0 is unlabeled)"
        else:
            hint = "" if cfg.dontcare_label >= 0 else "; set data.dontcare_label if one of them marks unlabeled pixels"
        raise DatasetError(
            f"label id out of range: {path} contains id(s) {bad[:8]} >= num_classes {cfg.num_classes}{hint}"
        )


def check_file(path: str, role: str, cfg: ml_collections.ConfigDict) -> tuple[int, int]:
    """Check one file for its role (aligned, image, label, instance); return its (width, height)."""
    try:
        with Image.open(path) as im:
            im.verify()
        if path.lower().endswith(JPEG_EXTENSIONS) and not _has_jpeg_end(path):
            raise DatasetError(f"corrupt image: {path} is a truncated JPEG (no end-of-image marker)")
        with Image.open(path) as im:
            if role == "label":
                _check_label(path, im, cfg)
            elif role == "instance":
                if not path.lower().endswith(".png") or im.mode not in INSTANCE_MODES:
                    raise DatasetError(
                        f"wrong channel count: instance map {path} is a {im.format} of mode {im.mode}; "
                        "instance maps must be single-channel 8- or 16-bit PNGs"
                    )
            else:
                _check_image(path, im, role, cfg)
            return im.size
    except DatasetError:
        raise
    except Exception as err:  # Pillow raises many types (OSError, SyntaxError, ValueError, ...) on bad bytes
        raise DatasetError(f"corrupt image: cannot read {path} ({type(err).__name__}: {err})") from err


def _check_sample(sample: dict[str, str], cfg: ml_collections.ConfigDict) -> list[str]:
    """Problems of one sample: each file, then equal sizes across partners."""
    sizes, problems = {}, []
    for part, path in sample.items():
        try:
            sizes[part] = check_file(path, ROLES[part], cfg)
        except DatasetError as err:
            problems.append(str(err))
    first = next(iter(sample))
    for part, size in sizes.items():
        if first in sizes and size != sizes[first]:
            problems.append(
                f"size mismatch: {sample[first]} is {sizes[first][0]}x{sizes[first][1]} but its partner "
                f"{sample[part]} is {size[0]}x{size[1]} (width x height)"
            )
    return problems


def validate_files(files: FileSet, cfg: ml_collections.ConfigDict, name: str) -> None:
    """Check every file of ``files``; raise one DatasetError describing the first problem found."""
    if files.joint:
        parts = list(files.parts)
        samples = [dict(zip(parts, paths)) for paths in zip(*files.parts.values())]
    else:
        samples = [{part: path} for part, paths in files.parts.items() for path in paths]
    problems: list[str] = []
    show = len(samples) >= PROGRESS_MIN_FILES
    last = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(16, 4 * (os.cpu_count() or 1))) as pool:
        for done, found in enumerate(pool.map(lambda s: _check_sample(s, cfg), samples), start=1):
            problems += found
            if show and (time.monotonic() - last > 1.0 or done == len(samples)):
                last = time.monotonic()
                print(
                    f"\rchecking {name}: {done}/{len(samples)} samples",
                    end="\n" if done == len(samples) else "",
                    file=sys.stderr,
                    flush=True,
                )
    if problems:
        extra = len(problems) - 1
        more = f"\n({extra} more problem{'s' if extra > 1 else ''}, e.g. {problems[1]})" if extra else ""
        raise DatasetError(problems[0] + more)
