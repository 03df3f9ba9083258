"""Readers of per-image box files: the INIT annotation text and a CSV alternative.

INIT text: line 1 the image path, line 2 the size ``W H`` (``H W`` accepted; a third number, the channels, is
ignored), then one ``cls x1 y1 x2 y2`` row per box in pixels. CSV: a header line
``class,x1,y1,x2,y2`` then one row per box; the image is the one of the same stem, its size read
from the file. Both raise DatasetError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np
from PIL import Image

from tf_i2i.data.boxes.annotation import INIT_CLASSES, ImageBoxes, check_box
from tf_i2i.data.errors import DatasetError

CSV_HEADER = "class,x1,y1,x2,y2"


def _image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as im:  # reads the header only
        return im.height, im.width


def _row(where: str, fields: list[str]) -> tuple[int, tuple[float, ...]]:
    """``cls x1 y1 x2 y2`` -> (cls, box); DatasetError at ``where`` when the row is malformed."""
    try:
        if len(fields) != 5:
            raise ValueError
        return int(fields[0]), tuple(float(v) for v in fields[1:])
    except ValueError:
        raise DatasetError(f"{where}: malformed box row {' '.join(fields)!r}: expected 'cls x1 y1 x2 y2'") from None


def _boxes(path: Path, rows: list[tuple[int, list[str]]], image: Path, height: int, width: int,
           classes: Collection[int]) -> ImageBoxes:
    xyxy, ids = [], []
    for line, fields in rows:
        where = f"{path}:{line}"
        cls, box = _row(where, fields)
        check_box(where, cls, box, height, width, classes)
        xyxy.append(box)
        ids.append(cls)
    return ImageBoxes(str(image), height, width, np.array(xyxy, np.float32).reshape(-1, 4), np.array(ids, np.int32))


def _lines(path: Path) -> list[tuple[int, str]]:
    """Non-blank lines of ``path`` with their 1-based numbers."""
    text = path.read_text(encoding="utf-8")
    return [(i, s.strip()) for i, s in enumerate(text.splitlines(), start=1) if s.strip()]


def _find_image(path: Path, line: int, named: str, image_dir: Path | None) -> Path:
    """The image a path line names: as written (relative to the annotation), else its name in ``image_dir``."""
    candidates = [path.parent / named]
    if image_dir is not None:
        candidates.append(image_dir / Path(named).name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise DatasetError(f"{path}:{line}: annotation for a missing image {named!r} "
                       f"(looked at {', '.join(str(c) for c in candidates)})")


def read_init_annotation(path: str | Path, image_dir: str | Path | None = None,
                         classes: Collection[int] = tuple(INIT_CLASSES)) -> ImageBoxes:
    """Boxes of one INIT annotation text file; its image must exist and have the size line's size."""
    path = Path(path)
    lines = _lines(path)
    if len(lines) < 2:
        raise DatasetError(f"{path}:{len(lines) + 1}: missing {'image path' if not lines else 'size'} line")
    (path_line, named), (size_line, size) = lines[:2]
    image = _find_image(path, path_line, named, Path(image_dir) if image_dir is not None else None)
    fields = size.split()
    if len(fields) not in (2, 3) or not all(f.isdigit() for f in fields):
        raise DatasetError(f"{path}:{size_line}: malformed size line {size!r}: expected 'W H' (or 'W H C')")
    first, second = int(fields[0]), int(fields[1])
    height, width = _image_size(image)
    # The paper's files have not been seen here: "W H" is assumed, "H W" accepted, the image decides.
    if (first, second) not in ((width, height), (height, width)):
        raise DatasetError(f"{path}:{size_line}: size {first}x{second} differs from the image {image} "
                           f"({width}x{height})")
    return _boxes(path, [(i, s.split()) for i, s in lines[2:]], image, height, width, classes)


def init_annotation_text(image: str, boxes: ImageBoxes) -> str:
    """``boxes`` as INIT annotation text naming ``image`` (what read_init_annotation reads)."""
    rows = [f"{c} " + " ".join(f"{v:g}" for v in box) for c, box in zip(boxes.classes, boxes.xyxy)]
    return "\n".join([image, f"{boxes.width} {boxes.height}", *rows]) + "\n"


def read_csv_boxes(path: str | Path, image: str | Path, classes: Collection[int] = tuple(INIT_CLASSES)) -> ImageBoxes:
    """Boxes of one CSV file (header ``class,x1,y1,x2,y2``) for ``image``."""
    path, image = Path(path), Path(image)
    if not image.is_file():
        raise DatasetError(f"{path}:1: annotation for a missing image {image}")
    lines = _lines(path)
    if not lines or lines[0][1].replace(" ", "") != CSV_HEADER:
        raise DatasetError(f"{path}:{lines[0][0] if lines else 1}: the first line must be the header {CSV_HEADER!r}")
    height, width = _image_size(image)
    return _boxes(path, [(i, [f.strip() for f in s.split(",")]) for i, s in lines[1:]], image, height, width, classes)
