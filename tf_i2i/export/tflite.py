"""TFLite files (float32, float16, dynamic-range int8) from the exported SavedModel, builtin ops only.

Each file holds one float endpoint with every input at a fixed shape: NHWC inputs at one height and
width, every input at one batch (1 by default), so the interpreter refuses any other shape
(resize_tensor_input(..., strict=True) raises) instead of running it. A dynamic batch is written
only on request (batch 0): its contract is a batch of at least 1, which run_tflite enforces (LiteRT
2.3.0 aborts the process on a batch of 0 with an int8 file). Inputs keep their signature names.
Only TFLITE_BUILTINS are allowed, so every file runs on ai-edge-litert, which cannot run Flex (TF)
ops; TFLite has no assert op, so the SavedModel's value checks are not in the file: run_tflite
applies them from export_info.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i.export.info import INFO_FILE
from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.checks import IdRange, value_rule
from tf_i2i.models.serving.endpoint import fixed_size
from tf_i2i.models.serving.errors import ExportInputError

QUANTIZATIONS = ("float32", "float16", "int8")


def check_quantizations(quantizations: tuple[str, ...]) -> None:
    """Raises ExportInputError for a name that is not float32, float16 or int8 (dynamic range)."""
    unknown = [q for q in quantizations if q not in QUANTIZATIONS]
    if unknown:
        raise ExportInputError(f"unknown TFLite quantization {unknown}; expected any of {QUANTIZATIONS}")


def parse_quantizations(value: str | Sequence[str]) -> tuple[str, ...]:
    """"float32,int8" (a config override on the command line) or a sequence -> checked names; "" -> none."""
    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else list(value)
    names = tuple(n for n in names if n)
    check_quantizations(names)
    return names


def tflite_name(endpoint: str, quantization: str) -> str:
    """File name of one endpoint at one quantization, e.g. serve_float16.tflite."""
    return f"{endpoint}_{quantization}.tflite"


def convert_endpoint(loaded: Any, endpoint: str, inputs: int | tuple[tf.TensorSpec, ...],
                     quantization: str, height: int, width: int, batch: int = 1,
                     size_divisors: Mapping[str, int] | None = None) -> bytes:
    """The .tflite bytes of `loaded.<endpoint>` (a tf.saved_model.load result) at height x width
    and `batch` (0: a dynamic batch).

    `inputs` are the endpoint's input specs (Endpoint.inputs), or the channel count of an
    image-to-image endpoint's one 'image' input; inputs in `size_divisors` are fixed at height and
    width divided by their divisor (Endpoint.size_divisors). The endpoint is re-traced at a fixed size and
    frozen directly: the default route would re-save the whole multi-endpoint SavedModel for every
    file, about 4x slower, same result.
    """
    check_quantizations((quantization,))
    if isinstance(inputs, int):
        inputs = (tensors.image_spec(inputs, tf.float32),)
    fixed = tf.function(getattr(loaded, endpoint),
                        input_signature=fixed_size(inputs, height, width, batch or None, size_divisors))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fixed.get_concrete_function()], loaded)
    converter.experimental_lower_to_saved_model = False
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # no representative data: dynamic range
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def run_tflite(path: str | Path,
               inputs: np.ndarray | Mapping[str, np.ndarray]) -> np.ndarray | dict[str, np.ndarray]:
    """Runs a .tflite file with ai-edge-litert and returns its output, or {name: output} for an
    endpoint with named outputs (named by the export_info.json next to the file).

    `inputs` is the batch of a one-input file, or {signature input name: array}. Shapes, dtypes
    and the export_info.json next to the file (class ids always, NaN/inf and the image range with
    check_range) are checked first: an ExportInputError instead of a wrong image or a crash.
    """
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    details = {d["name"]: d for d in interpreter.get_input_details()}
    outputs = interpreter.get_output_details()
    if not isinstance(inputs, Mapping):
        if len(details) != 1:
            raise ExportInputError(f"{path} takes inputs {sorted(details)}: pass them by name")
        inputs = {next(iter(details)): inputs}
    if set(inputs) != set(details):
        raise ExportInputError(f"{path} takes inputs {sorted(details)}, got {sorted(inputs)}")
    arrays = {name: _checked(path, details[name], value) for name, value in inputs.items()}
    endpoint, check_range = _recorded_endpoint(path)
    _check_values(path, arrays, endpoint, check_range)
    names = _output_names(path, endpoint, len(outputs))
    for name, array in arrays.items():
        if tuple(array.shape) != tuple(details[name]["shape"]):
            interpreter.resize_tensor_input(details[name]["index"], array.shape, strict=True)
    interpreter.allocate_tensors()
    for name, array in arrays.items():
        interpreter.set_tensor(details[name]["index"], array)
    interpreter.invoke()
    if names is None:
        return interpreter.get_tensor(outputs[0]["index"])
    return {name: interpreter.get_tensor(out["index"]) for name, out in zip(names, outputs)}


def _checked(path: str | Path, detail: dict, value: np.ndarray) -> np.ndarray:
    """`value` in the input's dtype, or an error naming the expected dtype kind or shape."""
    value = np.asarray(value)
    dtype = np.dtype(detail["dtype"])
    if value.dtype.kind != dtype.kind:
        raise ExportInputError(f"{path} takes {dtype.name} {_what(detail)}, got {value.dtype}")
    expected = [None if d == -1 else int(d) for d in detail["shape_signature"]]
    if (len(expected) != value.ndim or any(e not in (None, n) for e, n in zip(expected, value.shape))
            or 0 in value.shape):
        raise ExportInputError(f"{path} takes {_what(detail)} of shape {expected} (None: any size >= 1), "
                               f"got {value.shape}")
    return value.astype(dtype, copy=False)


def _recorded_endpoint(path: str | Path) -> tuple[dict, bool]:
    """The export_info.json entry of the file's endpoint ({} for a file export_model did not write)
    and whether the export checks ranges."""
    info_file = Path(path).parent / INFO_FILE
    info = json.loads(info_file.read_text()) if info_file.is_file() else {}
    entry = info.get("tflite", {}).get(Path(path).name)
    if entry is None:
        return {}, False
    return info["endpoints"][entry["endpoint"]], bool(info.get("check_range"))


def _output_names(path: str | Path, endpoint: dict, count: int) -> list[str] | None:
    """The names of a file's outputs in order (export_info.json's 'outputs'), None for one output."""
    names = list(endpoint.get("outputs", {}))
    if count == 1 and not names:
        return None
    if len(names) != count:
        raise ExportInputError(f"{path} has {count} outputs but no export_info.json beside it that names them "
                               f"(got names {names})")
    return names


def _check_values(path: str | Path, arrays: Mapping[str, np.ndarray], endpoint: dict, check_range: bool) -> None:
    """The SavedModel's value checks (tf_i2i.models.serving.checks) for a file that
    export_model wrote: its export_info.json entry says which inputs hold class ids or images."""
    for name, ids in endpoint.get("id_inputs", {}).items():
        ids = IdRange.from_json(ids)
        bad = arrays[name][~ids.valid(arrays[name])]
        if bad.size:
            raise ExportInputError(f"{path}: input '{name}' must hold {ids.describe()}; got id {bad.flat[0]} "
                                   f"({bad.size} such values)")
    if not check_range:
        return
    low, high = tensors.FLOAT_RANGE
    for name, array in arrays.items():
        if array.dtype.kind != "f":
            continue
        image = name in endpoint.get("image_inputs", ())
        if not np.isfinite(array).all() or (image and not low <= array.min() <= array.max() <= high):
            raise ExportInputError(f"{path}: input '{name}' values must be {value_rule(image)} (check_range); "
                                   f"got min, max = {array.min()}, {array.max()}")


def _what(detail: dict) -> str:
    return "images" if detail["name"] == "image" else f"'{detail['name']}'"
