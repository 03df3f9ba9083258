"""Boxes of a ``boxes`` layout folder: the images of ``{split}A/`` have their boxes in
``{split}A_boxes/<stem>.txt`` (INIT text), ``.csv`` or ``.png`` (instance ids), per data.boxes.format.
Stems match as in the labels layout (files.label_key), so Cityscapes' ``X_leftImg8bit.png`` pairs
with ``X_gtFine_instanceIds.png`` without renaming.

Every image needs its box file (an image without objects: a file without box rows) and every box
file its image; all are read and checked before any step.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import ml_collections
import numpy as np

from tf_i2i.data.boxes.annotation import ImageBoxes, padded
from tf_i2i.data.boxes.instance_boxes import read_instance_boxes
from tf_i2i.data.boxes.text_format import read_csv_boxes, read_init_annotation
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import label_key

SUFFIXES = {"txt": ".txt", "csv": ".csv", "instance": ".png"}


def read_box_file(path: Path, image: Path, box_format: str, classes: Collection[int],
                  instance_classes: Mapping[int, int]) -> ImageBoxes:
    """The boxes of `image` in the box file `path` of `box_format` (a data.boxes.format: txt, csv or
    instance); an INIT text naming another image is an error."""
    if box_format == "instance":
        return read_instance_boxes(path, dict(instance_classes), str(image))
    if box_format == "csv":
        return read_csv_boxes(path, image, classes)
    boxes = read_init_annotation(path, image.parent, classes)
    if Path(boxes.image).name != image.name:
        raise DatasetError(f"{path}:1: names the image {boxes.image}, but belongs to {image}")
    return boxes


def no_boxes(count: int, max_boxes: int) -> dict[str, np.ndarray]:
    """The padded boxes of ``count`` images without objects (all rows zero and invalid)."""
    return {
        "boxes": np.zeros([count, max_boxes, 4], np.float32),
        "box_classes": np.zeros([count, max_boxes], np.int32),
        "box_valid": np.zeros([count, max_boxes], bool),
    }


def folder_boxes(images: list[str], box_dir: Path, cfg: ml_collections.ConfigDict) -> dict[str, np.ndarray]:
    """Padded boxes of ``images`` (one folder), stacked: boxes [N, max_boxes, 4], box_classes, box_valid."""
    if not box_dir.is_dir():
        raise DatasetError(f"folder missing: {box_dir} (the boxes of {Path(images[0]).parent}) does not exist")
    suffix = SUFFIXES[cfg.format]
    box_files = {label_key(p.stem): p for p in sorted(box_dir.glob(f"*{suffix}"))}
    keys = {label_key(Path(p).stem) for p in images}
    for key, orphan in box_files.items():
        if key not in keys:
            raise DatasetError(
                f"{orphan}:1: annotation for a missing image: no {key}.* in {Path(images[0]).parent}"
            )
    rows = []
    for image in map(Path, images):
        path = box_files.get(label_key(image.stem))
        if path is None:
            raise DatasetError(f"missing box file {box_dir / (image.stem + suffix)} for the image {image}")
        rows.append(padded(read_box_file(path, image, cfg.format, cfg.classes, cfg.instance_classes), cfg.max_boxes))
    return {key: np.stack([r[key] for r in rows]) for key in rows[0]}
