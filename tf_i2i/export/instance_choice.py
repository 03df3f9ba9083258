"""The per-box inputs of a model that renders each box of a picture with its own code (a TranslateSpec
with an instances_endpoint, INIT's serve_instances): the picture's boxes (--boxes: INIT annotation text,
CSV or an instance-id map) and, per output, a background code 'z' and one code per box 'z_objects':

  random     new background and object codes per output (--variants, seeded by --seed);
  --style    a reference picture's background and object codes (its boxes: --style_boxes); the k-th
             box of a class in the input takes the k-th box of that class in the reference, or the
             reference box --box_map names (INPUT:REFERENCE indices); a box without one keeps a random
             code, which the log states;
  --restyle  two outputs with the same codes but for the chosen boxes, which take new random codes
             (or, with --style, their reference boxes' codes): '' and '_restyled'.

Box indices count the picture's boxes in file order (after keeping the max_boxes largest); the log
lists them and tools/translate.py writes <stem>_boxes.png with their outlines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from absl import logging
from PIL import Image

from tf_i2i.data.boxes import INIT_CLASSES, match_by_class, padded
from tf_i2i.data.boxes.folder_boxes import SUFFIXES, read_box_file
from tf_i2i.data.boxes.instance_boxes import CITYSCAPES_CLASSES
from tf_i2i.export.images import read_image, resize_uint8
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.served import ServedEndpoint, ServedModel
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.serving.tensors import to_float

RESTYLED = "_restyled"  # the suffix of --restyle's second output
BOX_FILES = {".txt": "INIT annotation text", ".csv": "CSV", ".png": "instance-id map"}


@dataclasses.dataclass(frozen=True)
class PictureBoxes:
    """One picture's boxes padded to the model's slots: boxes float32 [N, 4] (y1, x1, y2, x2)
    normalised, valid bool [N] (the first `count` slots), classes int32 [N]; `found` boxes were in
    `file` (more than N: the N largest are kept)."""

    file: Path
    boxes: np.ndarray
    valid: np.ndarray
    classes: np.ndarray
    found: int

    @property
    def count(self) -> int:
        return int(self.valid.sum())

    def inputs(self) -> dict[str, np.ndarray]:
        """The endpoint's 'boxes' and 'box_valid' (float: 1 a box, 0 an empty slot)."""
        return {"boxes": self.boxes, "box_valid": self.valid.astype(np.float32)}

    def describe(self, index: int) -> str:
        y1, x1, y2, x2 = self.boxes[index]
        return (f"box {index}: {INIT_CLASSES.get(int(self.classes[index]), 'class')} {int(self.classes[index])} at "
                f"y {y1:.3f}..{y2:.3f}, x {x1:.3f}..{x2:.3f} of the picture")


def read_picture_boxes(path: str | Path, picture: Path, slots: int, classes: tuple[int, ...],
                       instance_classes: Mapping[int, int], flag: str) -> PictureBoxes:
    """The boxes of `picture` in the box file `path` (given as --`flag`), padded to `slots`; the
    readers' errors name the file and line."""
    path = Path(path)
    if path.suffix.lower() not in BOX_FILES or not path.is_file():
        kinds = ", ".join(f"{suffix} ({kind})" for suffix, kind in BOX_FILES.items())
        raise ExportInputError(f"--{flag}={path}: not a box file; it must exist and be one of {kinds}")
    box_format = {suffix: name for name, suffix in SUFFIXES.items()}[path.suffix.lower()]
    found = read_box_file(path, picture, box_format, classes, instance_classes)
    if box_format == "instance":
        with Image.open(picture) as image:
            if (found.height, found.width) != (image.height, image.width):
                raise ExportInputError(f"--{flag}={path}: the instance map is {found.width}x{found.height} but its "
                                       f"picture {picture} is {image.width}x{image.height}")
    rows = padded(found, slots)
    boxes = PictureBoxes(path, rows["boxes"], rows["box_valid"], rows["box_classes"], len(found.xyxy))
    if boxes.found > slots:
        logging.warning("%s holds %d boxes but the model takes %d: kept the %d largest, in file order",
                        path, boxes.found, slots, slots)
    logging.info("%s: %d boxes%s", path, boxes.count,
                 "".join(f"\n  {boxes.describe(i)}" for i in range(boxes.count)))
    return boxes


@dataclasses.dataclass(frozen=True)
class ReferenceCodes:
    """A reference picture's background code [S] and object codes [N, S], with its boxes."""

    background: np.ndarray
    objects: np.ndarray
    boxes: PictureBoxes


@dataclasses.dataclass(frozen=True)
class InstanceChoice:
    """How the per-box inputs of each output are chosen (the module doc); `endpoint` renders them."""

    endpoint: ServedEndpoint
    boxes_file: str
    classes: tuple[int, ...]
    instance_classes: Mapping[int, int]
    variants: int = 1
    seed: int = 0
    reference: ReferenceCodes | None = None
    box_map: Mapping[int, int] | None = None
    restyle: tuple[int, ...] = ()

    @property
    def slots(self) -> int:
        return int(self.endpoint.spec("boxes").shape[1])

    @property
    def style_dim(self) -> int:
        return int(self.endpoint.spec("z").shape[-1])

    @property
    def suffixes(self) -> tuple[str, ...]:
        if self.restyle:
            return "", RESTYLED
        return ("",) if self.variants == 1 else tuple(f"_v{i}" for i in range(self.variants))

    def read(self, picture: Path) -> PictureBoxes:
        """The picture's boxes (--boxes), checked against --restyle and --box_map."""
        boxes = read_picture_boxes(self.boxes_file, picture, self.slots, self.classes, self.instance_classes, "boxes")
        self._matches(boxes)
        for index in self.restyle:
            if index >= boxes.count:
                raise ExportInputError(f"--restyle={index}: {_indices(boxes)}")
        return boxes

    def inputs(self, picture: PictureBoxes) -> dict[str, dict[str, np.ndarray]]:
        """Output suffix -> the endpoint's 'z', 'z_objects', 'boxes' and 'box_valid' for `picture`."""
        sets = max(self.variants, 2 if self.restyle else 1)
        drawn = sample_styles(sets * (1 + self.slots), self.style_dim, self.seed).reshape(sets, 1 + self.slots, -1)
        backgrounds, objects = drawn[:, 0], drawn[:, 1:]
        boxes = picture.inputs()
        if self.restyle:
            chosen = objects[0].copy()
            chosen[list(self.restyle)] = self._reference_objects(picture, objects[1])[list(self.restyle)]
            return {"": {"z": backgrounds[0], "z_objects": objects[0], **boxes},
                    RESTYLED: {"z": backgrounds[0], "z_objects": chosen, **boxes}}
        if self.reference is not None:
            return {"": {"z": self.reference.background, "z_objects": self._reference_objects(picture, objects[0]),
                         **boxes}}
        return {suffix: {"z": backgrounds[i], "z_objects": objects[i], **boxes}
                for i, suffix in enumerate(self.suffixes)}

    def _reference_objects(self, picture: PictureBoxes, random: np.ndarray) -> np.ndarray:
        """[N, S]: each box's matched reference code, `random`'s where it has none (logged); all of
        `random` without a reference."""
        if self.reference is None:
            return random
        matches = self._matches(picture)
        codes = random.copy()
        for i in range(picture.count):
            if i in matches:
                codes[i] = self.reference.objects[matches[i]]
            elif not self.restyle or i in self.restyle:
                logging.warning("%s has no match in %s (by %s): it keeps a random code", picture.describe(i),
                                self.reference.boxes.file, "--box_map" if self.box_map is not None else "class and order")
        return codes

    def _matches(self, picture: PictureBoxes) -> dict[int, int]:
        """Input box index -> reference box index (by --box_map, or by class and order)."""
        if self.reference is None:
            return {}
        reference = self.reference.boxes
        if self.box_map is not None:
            for i, j in self.box_map.items():
                if i >= picture.count or j >= reference.count:
                    which, boxes = ("input", picture) if i >= picture.count else ("reference", reference)
                    raise ExportInputError(f"--box_map={i}:{j}: the {which} index is out of range: {_indices(boxes)}")
            return dict(self.box_map)
        return match_by_class(picture.classes[:picture.count], reference.classes[:reference.count])


def _indices(boxes: PictureBoxes) -> str:
    held = f"boxes 0..{boxes.count - 1}" if boxes.count else "no boxes"
    return f"{boxes.file} has {held}"


def make_instance_choice(model: ServedModel, options: TranslateOptions) -> InstanceChoice:
    """The InstanceChoice of --boxes and the flags that go with it; ExportInputError for a
    combination that does not apply."""
    spec = model.translate
    suffix = spec.suffix(options.endpoint)
    if spec.instances_endpoint is None:
        raise ExportInputError(f"--boxes does not apply to {model.paper}: it exports no per-box endpoint")
    variants = 1 if options.variants is None else options.variants
    if variants < 1:
        raise ExportInputError(f"--variants must be at least 1, got {variants}")
    if options.interpolate is not None:
        raise ExportInputError("--interpolate takes global codes: drop --boxes to interpolate")
    if variants > 1 and (options.style or options.restyle):
        raise ExportInputError("--variants does not go with --style or --restyle, which make their own outputs")
    if len(options.style) > 1 or (options.style and options.style_boxes is None):
        raise ExportInputError("--style with --boxes takes one reference picture and its boxes (--style_boxes); "
                               "without --boxes it copies the reference's global code")
    if (options.style_boxes or options.box_map) and not options.style:
        raise ExportInputError("--style_boxes and --box_map need the reference picture (--style)")
    recorded = model.preprocessing
    classes = (recorded and recorded.box_classes) or tuple(INIT_CLASSES)
    instance_classes = dict((recorded and recorded.instance_classes) or CITYSCAPES_CLASSES.items())
    endpoint = model.endpoint(spec.instances_endpoint + suffix)
    reference = None
    if options.style:
        codes = model.endpoint(spec.instance_codes_endpoint + suffix)
        boxes = read_picture_boxes(options.style_boxes, Path(options.style[0]), int(codes.spec("boxes").shape[1]),
                                   classes, instance_classes, "style_boxes")
        reference = _reference_codes(codes, Path(options.style[0]), boxes)
    return InstanceChoice(endpoint, options.boxes, classes, instance_classes, variants, options.seed or 0, reference,
                          _box_map(options.box_map) if options.box_map else None,
                          tuple(_index("restyle", v) for v in options.restyle))


def _reference_codes(endpoint: ServedEndpoint, picture: Path, boxes: PictureBoxes) -> ReferenceCodes:
    """The reference's codes by the instance codes endpoint (at the endpoint's size, if it has one)."""
    pixels = read_image(picture, int(endpoint.spec("style").shape[-1]))
    if endpoint.size is not None:
        pixels = resize_uint8(pixels, *endpoint.size)
    inputs = {"style": to_float(pixels)[None], **{name: value[None] for name, value in boxes.inputs().items()}}
    out = endpoint(inputs, f"style picture {picture}")
    return ReferenceCodes(np.asarray(out["z_background"])[0], np.asarray(out["z_objects"])[0], boxes)


def _index(flag: str, value: str) -> int:
    if not value.strip().isdigit():
        raise ExportInputError(f"--{flag}={value}: box indices are whole numbers from 0 (see the log's box list)")
    return int(value)


def _box_map(entries: tuple[str, ...]) -> dict[int, int]:
    """'0:2,1:0' (as a list) -> {0: 2, 1: 0}."""
    pairs = {}
    for entry in entries:
        parts = entry.split(":")
        if len(parts) != 2:
            raise ExportInputError(f"--box_map={entry}: entries are INPUT:REFERENCE box indices, e.g. 0:2,1:0")
        pairs[_index("box_map", parts[0])] = _index("box_map", parts[1])
    return pairs
