"""export_info.json: what a SavedModel/TFLite export contains, for clients that cannot read the code.

It sits next to the SavedModel folder, so the SavedModel alone is enough to translate with:
"paper" is the registry name and "translate" its TranslateSpec (how tools/translate.py drives the
endpoints); "preprocessing" the run's inference preprocessing (tf_i2i.export.preprocess; absent
when the exporter was not given the data config). "endpoints" describes each endpoint family (its
uint8 variant, size rule, output channels, "input_channels" when it takes one image,
"image_inputs" (inputs in "value_ranges") and "id_inputs" (inputs of class ids: num_classes and
dontcare_label), "size_divisors" (inputs whose height and width are the first input's divided by
that), "outputs" (named outputs, as vid2vid's frame, flow and mask: dtype and shape each, in the
order of a TFLite file's outputs; absent for one image), and extras such as pix2pixHD's cluster
table); "inputs" gives every signature's
input names, dtypes and shapes (null: dynamic). "check_range" says whether the SavedModel rejects
NaN/inf and image values outside the range (class ids are always checked); "tflite" gives each
file's endpoint, quantization and fixed "input_shapes" (-1: a dynamic batch of at least 1).
"model" names the model class.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tensorflow as tf

from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.serving.tensors import FLOAT_RANGE, UINT8_RANGE, UINT8_SUFFIX

INFO_FILE = "export_info.json"
SAVED_MODEL_DIR = "saved_model"
DEFAULT_ENDPOINT = "serve"


@dataclasses.dataclass(frozen=True)
class EndpointInfo:
    """One endpoint as recorded: its float inputs, output channels, size rule, uint8 variant and extras."""

    name: str
    inputs: tuple[tf.TensorSpec, ...]
    output_channels: int | None  # None: named outputs without an image
    size_multiple: int
    uint8_inputs: tuple[tf.TensorSpec, ...] | None = None  # None: no '<name>_uint8' endpoint
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def uint8_name(self) -> str | None:
        return None if self.uint8_inputs is None else self.name + UINT8_SUFFIX

    @property
    def size_divisors(self) -> dict[str, int]:
        """Inputs whose height and width are the first input's divided by the value (Endpoint.size_divisors)."""
        return dict(self.extra.get("size_divisors", {}))

    @property
    def input_channels(self) -> int | None:
        """Channels of the one image input of an image-to-image endpoint (None for other endpoints)."""
        if len(self.inputs) == 1 and self.inputs[0].name == "image":
            return int(self.inputs[0].shape[-1])
        return None


def _spec_json(specs: tuple[tf.TensorSpec, ...]) -> dict:
    return {s.name: {"dtype": s.dtype.name, "shape": s.shape.as_list()} for s in specs}


def _specs(entries: dict) -> tuple[tf.TensorSpec, ...]:
    return tuple(tf.TensorSpec(e["shape"], tf.as_dtype(e["dtype"]), name) for name, e in entries.items())


def _entry(e: EndpointInfo) -> dict:
    entry: dict[str, Any] = {} if e.uint8_name is None else {"uint8_endpoint": e.uint8_name}
    if e.input_channels is not None:
        entry["input_channels"] = e.input_channels
    return {**entry, "output_channels": e.output_channels, "size_multiple": e.size_multiple, **e.extra}


def write_info(path: Path, model_name: str, endpoints: list[EndpointInfo], tflite: dict[str, dict],
               paper: Mapping[str, Any], check_range: bool) -> Path:
    """Writes export_info.json; `tflite` maps file name -> {endpoint, quantization, input_shapes};
    `paper` holds the "paper", "translate" and (optional) "preprocessing" entries."""
    inputs = {}
    for e in endpoints:
        inputs[e.name] = _spec_json(e.inputs)
        if e.uint8_inputs is not None:
            inputs[e.uint8_name] = _spec_json(e.uint8_inputs)
    info = {
        "model": model_name,
        **paper,
        "layout": "NHWC",
        "serving_default": DEFAULT_ENDPOINT,
        "value_ranges": {"float32": list(FLOAT_RANGE), "uint8": list(UINT8_RANGE)},
        "check_range": check_range,
        "endpoints": {e.name: _entry(e) for e in endpoints},
        "inputs": inputs,
        "tflite": tflite,
    }
    path.write_text(json.dumps(info, indent=2) + "\n")
    return path


def check_replaceable(outdir: Path) -> None:
    """Raises ExportInputError unless `outdir` is missing, empty or an export: writing an export
    replaces the folder's whole content, which must not take a run's checkpoints with it."""
    if outdir.is_file():
        raise ExportInputError(f"export folder {outdir} is a file")
    if outdir.is_dir() and any(outdir.iterdir()) and not (
            (outdir / INFO_FILE).is_file() or (outdir / SAVED_MODEL_DIR).is_dir()):
        raise ExportInputError(f"{outdir} holds other files than an export: an export replaces its folder's "
                               "whole content, so give a new or empty folder (or an earlier export)")


def read_info(saved_model_dir: Path) -> dict:
    """The export_info.json next to a SavedModel folder."""
    path = Path(saved_model_dir).parent / INFO_FILE
    if not path.is_file():
        raise ExportInputError(f"{path} not found: it is written next to the SavedModel by "
                               "tf_i2i.export.export_model and records the generator's size multiple")
    return json.loads(path.read_text())


def read_endpoint(saved_model_dir: Path, endpoint: str) -> EndpointInfo:
    """The EndpointInfo of `endpoint` from the export_info.json next to a SavedModel folder."""
    info = read_info(saved_model_dir)
    endpoints = info["endpoints"]
    if endpoint not in endpoints:
        raise ExportInputError(f"endpoint {endpoint!r} not in {Path(saved_model_dir).parent / INFO_FILE}; "
                               f"available: {sorted(endpoints)}")
    e = dict(endpoints[endpoint])
    uint8_name = e.pop("uint8_endpoint", None)
    e.pop("input_channels", None)
    output_channels, size_multiple = e.pop("output_channels"), e.pop("size_multiple")
    return EndpointInfo(endpoint, _specs(info["inputs"][endpoint]), output_channels, size_multiple,
                        None if uint8_name is None else _specs(info["inputs"][uint8_name]), e)
