"""One image's boxes in pixels, their checks, and the padded fixed-size form every consumer uses."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

import numpy as np

from tf_i2i.data.errors import DatasetError

INIT_CLASSES = {1: "car", 2: "sign", 3: "person"}  # class ids of the INIT annotation text


@dataclasses.dataclass(frozen=True)
class ImageBoxes:
    """Boxes of one image in pixel edges: ``xyxy`` float32 [n, 4] (x1, y1, x2, y2), ``classes`` int32 [n]."""

    image: str
    height: int
    width: int
    xyxy: np.ndarray
    classes: np.ndarray


def check_box(where: str, cls: int, box: tuple[float, ...], height: int, width: int,
              classes: Collection[int]) -> None:
    """Raise DatasetError at ``where`` (file:line) for an unknown class, an empty box or one outside the image."""
    x1, y1, x2, y2 = box
    if cls not in classes:
        raise DatasetError(f"{where}: unknown class id {cls} (known: {sorted(classes)})")
    if x2 <= x1 or y2 <= y1:
        raise DatasetError(f"{where}: empty box {box}: needs x2 > x1 and y2 > y1")
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        raise DatasetError(f"{where}: box {box} lies outside the {width}x{height} image")


def padded(boxes: ImageBoxes, max_boxes: int) -> dict[str, np.ndarray]:
    """``{"boxes", "box_classes", "box_valid"}`` with ``max_boxes`` rows, boxes normalised (y1, x1, y2, x2).

    More than ``max_boxes`` boxes: the ``max_boxes`` largest by area are kept, in their original order
    (small far objects matter least for instance styles; an error would reject most street photos).
    """
    xyxy, classes = boxes.xyxy, boxes.classes
    if len(xyxy) > max_boxes:
        area = (xyxy[:, 2] - xyxy[:, 0]) * (xyxy[:, 3] - xyxy[:, 1])
        keep = np.sort(np.argsort(-area, kind="stable")[:max_boxes])
        xyxy, classes = xyxy[keep], classes[keep]
    n = len(xyxy)
    out = {
        "boxes": np.zeros([max_boxes, 4], np.float32),
        "box_classes": np.zeros([max_boxes], np.int32),
        "box_valid": np.arange(max_boxes) < n,
    }
    scale = np.array([boxes.height, boxes.width, boxes.height, boxes.width], np.float32)
    out["boxes"][:n] = xyxy[:, [1, 0, 3, 2]] / scale
    out["box_classes"][:n] = classes
    return out
