"""Export trained generators: a SavedModel (float32 and uint8 endpoints, dynamic sizes), TFLite
files and export_info.json; plus restoring a model from a run folder for tools/export.py and
tools/translate.py."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from tf_i2i.export.errors import ExportInputError
from tf_i2i.export.float32 import float32_generators
from tf_i2i.export.info import INFO_FILE, SAVED_MODEL_DIR, EndpointInfo, write_info
from tf_i2i.export.savedmodel import write_saved_model
from tf_i2i.export.sizes import check_multiple
from tf_i2i.export.tflite import (QUANTIZATIONS, check_quantizations, convert_endpoint, parse_quantizations,
                                  run_tflite, tflite_name)
from tf_i2i.export.workdir import load_trained_model
from tf_i2i.models import GANModel

__all__ = ["QUANTIZATIONS", "EndpointInfo", "ExportInputError", "check_export_args", "export_model",
           "load_trained_model", "parse_quantizations", "run_tflite"]


def check_export_args(model: GANModel, tflite: tuple[str, ...], height: int, width: int) -> None:
    """Raises ExportInputError for an unknown quantization or a TFLite size that is not a multiple
    of a generator's size_multiple; cheap, so a training run can check its export config up front."""
    check_quantizations(tuple(tflite))
    for name, (generator, _) in model.export_generators().items():
        check_multiple(height, width, generator.size_multiple, f"TFLite size for endpoint '{name}'")


def export_model(model: GANModel, outdir: str | Path, tflite: tuple[str, ...] = ("float32",), height: int = 256,
                 width: int = 256) -> dict[str, Path]:
    """Writes outdir/saved_model, outdir/<endpoint>_<quantization>.tflite and outdir/export_info.json.

    `height`/`width` fix the TFLite input size (the SavedModel stays dynamic); they must be
    multiples of every generator's size_multiple. Generators of a mixed-precision model are
    exported as float32 copies. Returns {'saved_model': ..., 'export_info': ...,
    '<endpoint>_<quantization>': ...} paths. check_export_args runs before anything is written.
    """
    check_export_args(model, tflite, height, width)
    outdir = Path(outdir)
    generators = float32_generators(model.export_generators())
    outdir.mkdir(parents=True, exist_ok=True)
    saved_model = outdir / SAVED_MODEL_DIR
    endpoints = write_saved_model(generators, saved_model)
    paths: dict[str, Path] = {"saved_model": saved_model}
    files: dict[str, dict] = {}
    if tflite:
        loaded = tf.saved_model.load(str(saved_model))
        for e in endpoints:
            for quantization in tflite:
                path = outdir / tflite_name(e.name, quantization)
                path.write_bytes(convert_endpoint(loaded, e.name, e.input_channels, quantization, height, width))
                paths[path.stem] = path
                files[path.name] = {"endpoint": e.name, "quantization": quantization,
                                    "input_shape": [-1, height, width, e.input_channels]}
    paths["export_info"] = write_info(outdir / INFO_FILE, type(model).__name__, endpoints, files)
    return paths
