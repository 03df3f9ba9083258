"""TFLite files (float32, float16, dynamic-range int8) from the exported SavedModel, builtin ops only.

Each file holds one float endpoint at a fixed height and width with a dynamic batch (batch 1 by
default; resize the input tensor for more). Only TFLITE_BUILTINS are allowed, so every file runs
on ai-edge-litert, which cannot run Flex (TF) ops.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i.export import serving
from tf_i2i.export.errors import ExportInputError

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


def convert_endpoint(loaded: Any, endpoint: str, channels: int,
                     quantization: str, height: int, width: int) -> bytes:
    """The .tflite bytes of `loaded.<endpoint>` (a tf.saved_model.load result) at height x width.

    The endpoint is re-traced at a fixed size and frozen directly: the default route would
    re-save the whole multi-endpoint SavedModel for every file, about 4x slower, same result.
    """
    check_quantizations((quantization,))
    fixed = tf.function(getattr(loaded, endpoint),
                        input_signature=[serving.image_spec(channels, tf.float32, None, height, width)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fixed.get_concrete_function()], loaded)
    converter.experimental_lower_to_saved_model = False
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantization != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]  # no representative data: dynamic range
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def run_tflite(path: str | Path, images: np.ndarray) -> np.ndarray:
    """Runs a .tflite file on a float32 NHWC batch with ai-edge-litert and returns its output."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    images = np.asarray(images)
    if images.dtype.kind != np.dtype(inp["dtype"]).kind:
        raise ExportInputError(f"{path} takes {np.dtype(inp['dtype']).name} images, got {images.dtype}")
    expected = [None if d == -1 else int(d) for d in inp["shape_signature"]]
    if len(expected) != images.ndim or any(e not in (None, n) for e, n in zip(expected, images.shape)):
        raise ExportInputError(f"{path} takes images of shape {expected} (None: any), got {images.shape}")
    images = images.astype(inp["dtype"], copy=False)
    if tuple(images.shape) != tuple(inp["shape"]):
        interpreter.resize_tensor_input(inp["index"], images.shape, strict=True)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], images)
    interpreter.invoke()
    return interpreter.get_tensor(out["index"])
