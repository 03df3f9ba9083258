"""Eager checks of a folder data set, run before the tf.data pipeline exists (fail before training).

Every file is read once and decoded in full with the decoder the pipeline uses (decode.py), so a
file that passes decodes in training; its content hash lets training notice a later change
(checked_read.py). Label and instance maps must be PNGs by content (the PNG signature, whatever
the file's name), as JPEG changes ids; label ids (after ADE20K's shift for that layout) must be <
num_classes unless they are the dontcare id. Files are checked in a thread pool; big data sets
print a progress line to stderr; passes are cached beside the data (check_cache.py). All
problems are collected; the :class:`DatasetError` names the first (file and problem) and counts
the rest.

Channel rule for images (A, B, photos): 1 channel (L, 1-bit, 16-bit grey) or 3 (RGB, palette)
are accepted and converted to the configured count (grey -> RGB by copying, RGB -> grey by
ITU-R 601 luma). RGBA (or a palette with transparency) is accepted as RGB only when the alpha
is fully opaque. Anything else (grey+alpha, CMYK, transparent RGBA, ...) is an error.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import re
import sys
import time
from pathlib import Path

import ml_collections
import numpy as np
import tensorflow as tf
from PIL import Image

from tf_i2i.data.check_cache import CheckCache, Checked, file_stamp
from tf_i2i.data.checked_read import content_hash
from tf_i2i.data.config import DOMAIN_LETTERS
from tf_i2i.data.decode import decode_image, decode_instance, decode_label
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import FileSet
from tf_i2i.data.labels import from_ade20k

GREY_MODES = ("1", "L", "I;16", "I;16B", "I;16L")
RGB_MODES = ("RGB", "P")
INSTANCE_MODES = ("L", "I;16", "I;16B", "I;16L", "I")
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"BM": "BMP", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"RIFF": "WebP"}
MAP_ROLES = ("label", "instance")  # ids must survive exactly: PNG, the one lossless format their decoders read
DECODERS = {"aligned": decode_image, "image": decode_image, "label": decode_label, "instance": decode_instance}
ROLES = {
    "AB": "aligned", "image": "image", "label_image": "image", "label": "label", "instance": "instance",
    **dict.fromkeys(DOMAIN_LETTERS, "image"),  # A, B (unpaired, paired_folders) and the domains' C, D, ...
}
PROGRESS_MIN_FILES = 500


def file_format(data: bytes) -> str:
    """The image format by the file's first bytes (its signature), not its name."""
    return next((name for magic, name in SIGNATURES.items() if data.startswith(magic)), "unknown")


def read_bytes(path: str) -> bytes:
    """The whole file; an OS failure says which (permission denied, not found, ...), not "corrupt"."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except PermissionError as err:
        raise DatasetError(f"permission denied: cannot read {path} ({err.strerror or err})") from err
    except OSError as err:
        raise DatasetError(f"cannot read {path} ({err.strerror or err})") from err


def _tf_reason(err: tf.errors.OpError) -> str:
    """A TensorFlow error message without its function-node prefix and op suffix."""
    return re.sub(r"^\{\{[^}]*\}\}\s*|\s*\[Op:\w+\].*$", "", err.message).strip()


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


def _check_label(path: str, im: Image.Image, stored_ids: np.ndarray, cfg: ml_collections.ConfigDict) -> None:
    if im.mode != "L":
        raise DatasetError(
            f"wrong channel count: label map {path} has mode {im.mode} ({len(im.getbands())} channels); label maps "
            "must be single-channel 8-bit (mode L) class ids (for a palette PNG, save its indices as mode L)"
        )
    stored = np.flatnonzero(np.bincount(stored_ids.ravel(), minlength=256))
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


def _check_format(path: str, data: bytes, role: str) -> None:
    found = file_format(data)
    if role in MAP_ROLES and found != "PNG":
        raise DatasetError(
            f"{role} map not a PNG: {path} holds {found} data (judged by its content, not its name); {role} maps "
            "must be PNGs, which keep every id exactly (JPEG changes them) and are what the pipeline decodes"
        )
    if found == "JPEG" and b"\xff\xd9" not in data[-64:]:  # the EOI marker, possibly followed by padding
        raise DatasetError(f"corrupt image: {path} is a truncated JPEG (no end-of-image marker)")


def check_file(path: str, role: str, cfg: ml_collections.ConfigDict) -> Checked:
    """Read and decode one file for its role (aligned, image, label, instance) and check it; return its
    decoded size and content hash."""
    data = read_bytes(path)
    _check_format(path, data, role)
    try:
        decoded = DECODERS[role](tf.constant(data)).numpy()
    except tf.errors.OpError as err:
        raise DatasetError(f"corrupt image: {path} cannot be decoded ({_tf_reason(err)})") from err
    try:
        with Image.open(io.BytesIO(data)) as im:
            if role == "label":
                _check_label(path, im, decoded, cfg)
            elif role == "instance" and im.mode not in INSTANCE_MODES:
                raise DatasetError(
                    f"wrong channel count: instance map {path} has mode {im.mode}; "
                    "instance maps must be single-channel 8- or 16-bit PNGs"
                )
            elif role not in ("label", "instance"):
                _check_image(path, im, role, cfg)
    except DatasetError:
        raise
    except Exception as err:  # Pillow raises many types (OSError, SyntaxError, ValueError, ...) on bad bytes
        raise DatasetError(f"corrupt image: cannot read {path} ({type(err).__name__}: {err})") from err
    height, width = decoded.shape[:2]
    return Checked(width, height, int(content_hash(tf.constant(data))))


def _checked(path: str, role: str, cfg: ml_collections.ConfigDict, cache: CheckCache) -> tuple[Checked, bool]:
    """check_file, or its cached pass while the file is unchanged; also whether the cache answered."""
    stamp = file_stamp(path)  # before reading: a change while it is read makes the next stamp differ
    cached = cache.get(path, role, stamp)
    if cached:
        return cached, True
    checked = check_file(path, role, cfg)
    if stamp:
        cache.put(path, role, stamp, checked)
    return checked, False


def _check_sample(sample: dict[str, str], cfg: ml_collections.ConfigDict,
                  cache: CheckCache) -> tuple[dict[str, Checked], list[str], int]:
    """Each file of one sample, then equal sizes across partners: (passes, problems, cache hits)."""
    passed, problems, hits = {}, [], 0
    for part, path in sample.items():
        try:
            passed[part], hit = _checked(path, ROLES[part], cfg, cache)
            hits += hit
        except DatasetError as err:
            problems.append(str(err))
    sizes = {part: (checked.width, checked.height) for part, checked in passed.items()}
    first = next(iter(sample))
    for part, size in sizes.items():
        if first in sizes and size != sizes[first]:
            problems.append(
                f"size mismatch: {sample[first]} is {sizes[first][0]}x{sizes[first][1]} but its partner "
                f"{sample[part]} is {size[0]}x{size[1]} (width x height)"
            )
    return passed, problems, hits


def raise_problems(problems: list[str]) -> None:
    """One DatasetError for all ``problems`` found (if any): the first, then how many more."""
    if problems:
        extra = len(problems) - 1
        more = f"\n({extra} more problem{'s' if extra > 1 else ''}, e.g. {problems[1]})" if extra else ""
        raise DatasetError(problems[0] + more)


def validate_files(files: FileSet, root: Path, cfg: ml_collections.ConfigDict, name: str) -> dict[str, list[int]]:
    """Check every file of ``files`` (a data set under ``root``, where the cache lives); raise one
    DatasetError describing the first problem found, else return each part's content hashes in
    the order of its paths."""
    checked = check_files(files, root, cfg, name)
    return {part: [c.content_hash for c in passes] for part, passes in checked.items()}


def check_files(files: FileSet, root: Path, cfg: ml_collections.ConfigDict, name: str) -> dict[str, list[Checked]]:
    """validate_files, returning each file's pass (size and content hash) in the order of its part's paths."""
    if files.joint:
        parts = list(files.parts)
        samples = [dict(zip(parts, paths)) for paths in zip(*files.parts.values())]
    else:
        samples = [{part: path} for part, paths in files.parts.items() for path in paths]
    cache = CheckCache(root, cfg)
    problems: list[str] = []
    passes: dict[str, dict[str, Checked]] = {part: {} for part in files.parts}
    show, cached = len(samples) >= PROGRESS_MIN_FILES, 0
    last = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(16, 4 * (os.cpu_count() or 1))) as pool:
        results = pool.map(lambda s: _check_sample(s, cfg, cache), samples)
        for done, (sample, (passed, found, hits)) in enumerate(zip(samples, results), start=1):
            problems += found
            cached += hits
            for part, checked in passed.items():
                passes[part][sample[part]] = checked
            if show and (time.monotonic() - last > 1.0 or done == len(samples)):
                last = time.monotonic()
                print(
                    f"\rchecking {name}: {done}/{len(samples)} samples ({cached} files unchanged since checked)",
                    end="\n" if done == len(samples) else "",
                    file=sys.stderr,
                    flush=True,
                )
    cache.save()
    raise_problems(problems)
    return {part: [passes[part][path] for path in paths] for part, paths in files.parts.items()}
