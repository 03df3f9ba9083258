"""export_info.json: what a SavedModel/TFLite export contains, for clients that cannot read the code.

It sits next to the SavedModel folder; tools/translate.py reads the size multiple from it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from tf_i2i.export.errors import ExportInputError
from tf_i2i.export.serving import FLOAT_RANGE, UINT8_RANGE

INFO_FILE = "export_info.json"
SAVED_MODEL_DIR = "saved_model"
DEFAULT_ENDPOINT = "serve"
UINT8_SUFFIX = "_uint8"


@dataclasses.dataclass(frozen=True)
class EndpointInfo:
    """One generator's endpoints: `name` takes float32 [-1, 1], `name + '_uint8'` takes uint8 images."""

    name: str
    input_channels: int
    output_channels: int
    size_multiple: int

    @property
    def uint8_name(self) -> str:
        return self.name + UINT8_SUFFIX


def write_info(path: Path, model_name: str, endpoints: list[EndpointInfo],
               tflite: dict[str, dict]) -> Path:
    """Writes export_info.json; `tflite` maps file name -> {endpoint, quantization, input_shape}."""
    info = {
        "model": model_name,
        "layout": "NHWC",
        "serving_default": DEFAULT_ENDPOINT,
        "value_ranges": {"float32": list(FLOAT_RANGE), "uint8": list(UINT8_RANGE)},
        "endpoints": {e.name: {"uint8_endpoint": e.uint8_name, "input_channels": e.input_channels,
                               "output_channels": e.output_channels, "size_multiple": e.size_multiple}
                      for e in endpoints},
        "tflite": tflite,
    }
    path.write_text(json.dumps(info, indent=2) + "\n")
    return path


def read_endpoint(saved_model_dir: Path, endpoint: str) -> EndpointInfo:
    """The EndpointInfo of `endpoint` from the export_info.json next to a SavedModel folder."""
    path = Path(saved_model_dir).parent / INFO_FILE
    if not path.is_file():
        raise ExportInputError(f"{path} not found: it is written next to the SavedModel by "
                               "tf_i2i.export.export_model and records the generator's size multiple")
    endpoints = json.loads(path.read_text())["endpoints"]
    if endpoint not in endpoints:
        raise ExportInputError(f"endpoint {endpoint!r} not in {path}; available: {sorted(endpoints)}")
    e = endpoints[endpoint]
    return EndpointInfo(endpoint, e["input_channels"], e["output_channels"], e["size_multiple"])
