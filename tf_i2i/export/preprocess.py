"""A run's inference preprocessing: the size tools/translate.py gives an input before the generator.

Training's data.preprocess (tf_i2i/data/augment.py) mostly ends in a random crop; the official
test scripts do not crop, and this follows them:
  - pytorch-CycleGAN-and-pix2pix's test options set load_size to crop_size ("to avoid cropping"),
    so resize_and_crop resizes to crop_size x crop_size and the crop takes everything;
  - pix2pixHD tests with its training resize_or_crop and loadSize (scale_width 1024: a 2048x1024
    Cityscapes map becomes 1024x512), label maps by nearest neighbour;
  - SPADE's test options set load_size = crop_size too (resize_and_crop, scale_width_and_crop:
    crop_size; Cityscapes' 'fixed': crop_size wide, crop_size / aspect_ratio high);
  - MUNIT/UNIT's test.py resizes the shorter side to new_size (load_size here) and does not crop.
DRIT's test resizes to resize_size square and centre-crops crop_size; here resize_and_crop gives
the whole picture at crop_size x crop_size instead of its centre.

So, with load_size L and crop_size C:
  resize_and_crop, resize        C x C
  scale_width                    width L, height keeping the aspect ratio
  scale_width_and_crop           width C, height keeping the aspect ratio (no crop)
  scale_shorter_side_and_crop    shorter side L, the other keeping the aspect ratio (no crop)
  fixed                          C wide, round(C / aspect_ratio) high
  crop, none                     the input's own size
The translator then rounds both sides to the generator's size multiple (pix2pixHD's
__make_power_2 rounds the same way); a generator with one output size (SPADE) takes that size.
A video run also records its Canny thresholds (data.video.canny_low/high), which edge maps of a
video given to tools/translate.py --edges=canny are made with, as in training (data/video/edges.py);
a run of the boxes layout (INIT) its box classes (data.boxes.classes, instance_classes), which box
files given to tools/translate.py --boxes are read with.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import ml_collections

NONE = "none"


@dataclasses.dataclass(frozen=True)
class Preprocessing:
    """The data config fields that size an input at inference (recorded in export_info.json)."""

    preprocess: str
    load_size: int
    crop_size: int
    aspect_ratio: float
    canny: tuple[float, float] | None = None  # (low, high) hysteresis thresholds of a video run
    box_classes: tuple[int, ...] | None = None  # a boxes-layout run's data.boxes.classes
    instance_classes: tuple[tuple[int, int], ...] | None = None  # and its data.boxes.instance_classes

    @classmethod
    def of(cls, data: ml_collections.ConfigDict) -> Preprocessing:
        """The preprocessing of a run's `data` config."""
        video = data.get("video")
        canny = None if video is None else (float(video.canny_low), float(video.canny_high))
        boxes = data.boxes if data.get("layout") == "boxes" else None
        return cls(data.preprocess, int(data.load_size), int(data.crop_size), float(data.aspect_ratio), canny,
                   None if boxes is None else tuple(int(c) for c in boxes.classes),
                   None if boxes is None else tuple((int(k), int(v)) for k, v in boxes.instance_classes))

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Preprocessing:
        canny, classes, instance_classes = (entry.get(k) for k in ("canny", "box_classes", "instance_classes"))
        return cls(entry["preprocess"], entry["load_size"], entry["crop_size"], entry["aspect_ratio"],
                   None if canny is None else tuple(canny), None if classes is None else tuple(classes),
                   None if instance_classes is None else tuple(tuple(pair) for pair in instance_classes))

    def size(self, height: int, width: int) -> tuple[int, int]:
        """(height, width) an input of this size is resized to, before rounding to a size multiple."""
        load, crop, mode = self.load_size, self.crop_size, self.preprocess
        if mode in ("resize_and_crop", "resize"):
            return crop, crop
        if mode == "fixed":
            return round(crop / self.aspect_ratio), crop
        if mode in ("scale_width", "scale_width_and_crop"):
            target = load if mode == "scale_width" else crop
            return max(1, round(target * height / width)), target
        if mode == "scale_shorter_side_and_crop":
            shorter = min(height, width)
            return height * load // shorter, width * load // shorter
        return height, width


UNCHANGED = Preprocessing(NONE, 0, 0, 1.0)  # --preprocess=none: the input's own size
