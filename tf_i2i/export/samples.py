"""The files tools/translate.py translates: pictures, or label maps with their instance maps.

--input is a file, a folder (read non-recursively), or for label-map models a data set root of the
labels layout (docs/datasets.md): its test_label/ (with test_inst/ as the instance maps), else
its val_label/ (val_inst/), the split COCO-Stuff and ADE20K roots ship for testing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import tensorflow as tf

from tf_i2i.data.decode import read_instance
from tf_i2i.data.files import IMAGE_EXTENSIONS, label_key
from tf_i2i.export.images import list_inputs
from tf_i2i.export.instance_choice import PictureBoxes
from tf_i2i.models.serving.errors import ExportInputError

ROOT_SPLITS = ("test", "val")  # data set root splits, looked for in this order


@dataclasses.dataclass(frozen=True)
class Sample:
    """One input file and, for a label map, its instance map (None when none is used); for a model
    given --boxes, the picture's boxes."""

    path: Path
    instance: Path | None = None
    boxes: PictureBoxes | None = None


def image_samples(inputs: str | Path) -> list[Sample]:
    """The pictures of --input."""
    return [Sample(p) for p in list_inputs(inputs)]


def label_samples(inputs: str | Path, instance: str | Path | None, use_instance: bool) -> list[Sample]:
    """The label maps of --input (a data set root: see the module doc) with their instance maps
    when `use_instance` (from `instance`, else the root's {split}_inst/; see instance_partners)."""
    inputs = Path(inputs)
    split = next((s for s in ROOT_SPLITS if (inputs / f"{s}_label").is_dir()), None)
    if split is not None:
        if instance is None and use_instance:
            instance = inputs / f"{split}_inst"
        inputs = inputs / f"{split}_label"
    elif inputs.is_dir() and not any(p.suffix.lower() in IMAGE_EXTENSIONS for p in inputs.iterdir()):
        looked = " or ".join(f"{s}_label/" for s in ROOT_SPLITS)
        raise ExportInputError(f"{inputs} holds no label maps and is no data set root: looked for {looked}")
    files = list_inputs(inputs)
    if not use_instance:
        return [Sample(p) for p in files]
    if instance is None:
        raise ExportInputError("this model needs instance maps: pass --instance")
    partners = instance_partners(files, Path(instance))
    return [Sample(p, partners[p]) for p in files]


def instance_partners(labels: list[Path], instance: Path) -> dict[Path, Path]:
    """Label file -> its instance map: `instance` itself for one label file, else the file of that
    folder with the same sample key (the stem less a known suffix: X_gtFine_labelIds ~ X_gtFine_instanceIds)."""
    if instance.is_file():
        if len(labels) != 1:
            raise ExportInputError(f"--instance={instance} is one file but there are {len(labels)} label maps")
        return {labels[0]: instance}
    if not instance.is_dir():
        raise ExportInputError(f"instance maps {instance} do not exist")
    by_key = {label_key(p.stem): p for p in instance.iterdir() if p.suffix.lower() == ".png"}
    missing = [str(p) for p in labels if label_key(p.stem) not in by_key]
    if missing:
        raise ExportInputError(f"no instance map in {instance} with the name of {', '.join(missing[:3])}")
    return {p: by_key[label_key(p.stem)] for p in labels}


def read_ids(path: Path, what: str) -> tf.Tensor:
    """int32 [H, W, 1] ids of an 8- or 16-bit PNG (`what` names it in the error)."""
    try:
        return read_instance(tf.constant(str(path)))
    except tf.errors.OpError as err:
        raise ExportInputError(f"cannot read {what} {path}: it must be an 8- or 16-bit PNG of ids") from err
