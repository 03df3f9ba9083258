"""Boxes from instance-id maps (Cityscapes ``*_instanceIds.png``, the synthetic scenes' maps).

An id >= 1000 is a thing instance of label class id // 1000 (Cityscapes; the synthetic scenes use
class * 1000 + k); its box is the bounding box of its pixels. ``class_map`` maps the label classes
that get boxes to box class ids; instances of other classes (e.g. Cityscapes riders, trucks) get none.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PIL import Image

from tf_i2i.data.boxes.annotation import ImageBoxes
from tf_i2i.data.synthetic_street import CAR, PERSON, POLE

# Label class -> INIT box class (1 car, 2 sign, 3 person): Cityscapes car 26, person 24; the synthetic
# scenes' own ids, where a sign plate is a POLE thing (see synthetic_objects).
CITYSCAPES_CLASSES = {26: 1, 24: 3}
SYNTHETIC_CLASSES = {CAR: 1, POLE: 2, PERSON: 3}


def boxes_from_instance_map(instance: np.ndarray, class_map: Mapping[int, int], image: str = "") -> ImageBoxes:
    """Boxes of the thing instances of ``instance`` (int [H, W]), in increasing id order."""
    height, width = instance.shape[:2]
    instance = instance.reshape(height, width)
    xyxy, classes = [], []
    for inst in np.unique(instance):
        if inst < 1000 or int(inst) // 1000 not in class_map:
            continue
        ys, xs = np.nonzero(instance == inst)
        xyxy.append((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))  # pixel edges: the last pixel's far edge
        classes.append(class_map[int(inst) // 1000])
    return ImageBoxes(image, height, width, np.array(xyxy, np.float32).reshape(-1, 4), np.array(classes, np.int32))


def read_instance_boxes(path: str | Path, class_map: Mapping[int, int] = CITYSCAPES_CLASSES,
                        image: str = "") -> ImageBoxes:
    """Boxes of one instance-id PNG (16-bit or 32-bit ids)."""
    with Image.open(path) as im:
        return boxes_from_instance_map(np.array(im).astype(np.int64), class_map, image)
