"""TFLite files (float32, float16, dynamic-range int8) from the exported SavedModel, builtin ops only.

Each file holds one float endpoint with every NHWC input at a fixed height and width and a dynamic
batch (batch 1 by default; resize the input tensors for more); inputs keep their signature names. Only TFLITE_BUILTINS are allowed, so every file runs
on ai-edge-litert, which cannot run Flex (TF) ops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i.models.serving import tensors
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
                     quantization: str, height: int, width: int) -> bytes:
    """The .tflite bytes of `loaded.<endpoint>` (a tf.saved_model.load result) at height x width.

    `inputs` are the endpoint's input specs (Endpoint.inputs), or the channel count of an
    image-to-image endpoint's one 'image' input. The endpoint is re-traced at a fixed size and
    frozen directly: the default route would re-save the whole multi-endpoint SavedModel for every
    file, about 4x slower, same result.
    """
    check_quantizations((quantization,))
    if isinstance(inputs, int):
        inputs = (tensors.image_spec(inputs, tf.float32),)
    fixed = tf.function(getattr(loaded, endpoint), input_signature=fixed_size(inputs, height, width))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fixed.get_concrete_function()], loaded)
    converter.experimental_lower_to_saved_model = False
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # no representative data: dynamic range
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def run_tflite(path: str | Path, inputs: np.ndarray | Mapping[str, np.ndarray]) -> np.ndarray:
    """Runs a .tflite file with ai-edge-litert and returns its output.

    `inputs` is the batch of a one-input file, or {signature input name: array}.
    """
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    details = {d["name"]: d for d in interpreter.get_input_details()}
    (out,) = interpreter.get_output_details()
    if not isinstance(inputs, Mapping):
        if len(details) != 1:
            raise ExportInputError(f"{path} takes inputs {sorted(details)}: pass them by name")
        inputs = {next(iter(details)): inputs}
    if set(inputs) != set(details):
        raise ExportInputError(f"{path} takes inputs {sorted(details)}, got {sorted(inputs)}")
    arrays = {name: _checked(path, details[name], value) for name, value in inputs.items()}
    for name, array in arrays.items():
        if tuple(array.shape) != tuple(details[name]["shape"]):
            interpreter.resize_tensor_input(details[name]["index"], array.shape, strict=True)
    interpreter.allocate_tensors()
    for name, array in arrays.items():
        interpreter.set_tensor(details[name]["index"], array)
    interpreter.invoke()
    return interpreter.get_tensor(out["index"])


def _checked(path: str | Path, detail: dict, value: np.ndarray) -> np.ndarray:
    """`value` in the input's dtype, or an error naming the expected dtype kind or shape."""
    value = np.asarray(value)
    dtype = np.dtype(detail["dtype"])
    if value.dtype.kind != dtype.kind:
        raise ExportInputError(f"{path} takes {dtype.name} {_what(detail)}, got {value.dtype}")
    expected = [None if d == -1 else int(d) for d in detail["shape_signature"]]
    if len(expected) != value.ndim or any(e not in (None, n) for e, n in zip(expected, value.shape)):
        raise ExportInputError(f"{path} takes {_what(detail)} of shape {expected} (None: any), got {value.shape}")
    return value.astype(dtype, copy=False)


def _what(detail: dict) -> str:
    return "images" if detail["name"] == "image" else f"'{detail['name']}'"
