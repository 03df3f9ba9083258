"""Export a model's endpoints (GANModel.export_endpoints: image-to-image generators, pix2pixHD's
label/instance/cluster endpoints): a SavedModel (dynamic sizes, uint8 variants), TFLite files and
export_info.json; plus restoring a model from a run folder for tools/export.py and tools/translate.py."""

from __future__ import annotations

from pathlib import Path

import ml_collections
import tensorflow as tf

from tf_i2i import atomic
from tf_i2i.models.serving.endpoint import Endpoint, fixed_size
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.info import INFO_FILE, SAVED_MODEL_DIR, EndpointInfo, check_replaceable, write_info
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.export.savedmodel import write_saved_model
from tf_i2i.models.serving.sizes import check_multiple
from tf_i2i.export.tflite import (QUANTIZATIONS, check_quantizations, convert_endpoint, parse_quantizations,
                                  run_tflite, tflite_name)
from tf_i2i.export.workdir import load_trained_model
from tf_i2i.models.base import GANModel
from tf_i2i.registry import spec_of

__all__ = ["QUANTIZATIONS", "Endpoint", "EndpointInfo", "ExportInputError", "Preprocessing", "check_export_args",
           "export_model", "export_settings", "load_trained_model", "parse_quantizations", "run_tflite"]


def check_export_args(model: GANModel, tflite: tuple[str, ...], height: int, width: int,
                      endpoints: list[Endpoint] | None = None, tflite_batch: int = 1) -> None:
    """Raises ExportInputError for an unknown quantization, a negative TFLite batch or a TFLite size
    that is not a multiple of an endpoint's size_multiple (or not its fixed size); cheap, so a
    training run can check its export config up front."""
    check_quantizations(tuple(tflite))
    if tflite_batch < 0:
        raise ExportInputError(f"TFLite batch must be >= 1 (or 0 for a dynamic batch), got {tflite_batch}")
    for e in model.export_endpoints() if endpoints is None else endpoints:
        what = f"TFLite size for endpoint '{e.name}'"
        check_multiple(height, width, e.size_multiple, what)
        if tflite and e.size is not None and (height, width) != e.size:
            raise ExportInputError(f"{what}: the generator makes {e.size[0]}x{e.size[1]} images only and its "
                                   f"label map must be that size, got {height}x{width}")


def export_model(model: GANModel, outdir: str | Path, tflite: tuple[str, ...] = ("float32",), height: int = 256,
                 width: int = 256, endpoints: list[Endpoint] | None = None,
                 preprocessing: Preprocessing | None = None, tflite_batch: int = 1,
                 check_range: bool = True) -> dict[str, Path]:
    """Writes outdir/saved_model, outdir/<endpoint>_<quantization>.tflite and outdir/export_info.json.

    `endpoints` default to model.export_endpoints() (pass them to export endpoints built with
    options, e.g. pix2pixHD's clusters). `height`/`width` fix the TFLite input size (the SavedModel
    stays dynamic); they must be multiples of every endpoint's size_multiple. `tflite_batch` fixes
    the TFLite batch (0: dynamic, a batch >= 1 contract). `check_range`: the SavedModel endpoints
    reject NaN/inf and image values outside [-1, 1] (recorded for run_tflite). `preprocessing` (the
    run's data config, Preprocessing.of) is recorded for tools/translate.py --saved_model, which
    refuses to guess it when it is missing. The paper's registry name and TranslateSpec are
    recorded too. Returns
    {'saved_model': ..., 'export_info': ..., '<endpoint>_<quantization>': ...} paths.
    check_export_args runs before anything is written. The folder is written beside `outdir` and
    swapped in whole (tf_i2i.atomic.staged_folder): a kill at any moment leaves the previous export
    intact, and `outdir` holds only this export afterwards (check_replaceable).
    """
    endpoints = model.export_endpoints() if endpoints is None else endpoints
    check_export_args(model, tflite, height, width, endpoints, tflite_batch)
    outdir = Path(outdir)
    check_replaceable(outdir)
    with atomic.staged_folder(outdir) as staging:
        saved_model = staging / SAVED_MODEL_DIR
        infos = write_saved_model(endpoints, saved_model, check_range)
        names = {"saved_model": SAVED_MODEL_DIR}
        files: dict[str, dict] = {}
        if tflite:
            loaded = tf.saved_model.load(str(saved_model))
            for e in infos:
                for quantization in tflite:
                    path = staging / tflite_name(e.name, quantization)
                    path.write_bytes(convert_endpoint(loaded, e.name, e.inputs, quantization, height, width,
                                                      tflite_batch, e.size_divisors))
                    names[path.stem] = path.name
                    files[path.name] = {"endpoint": e.name, "quantization": quantization,
                                        **_tflite_shapes(e, height, width, tflite_batch)}
        spec = spec_of(model)
        paper = {"paper": spec.name, "translate": spec.translate.to_json(),
                 **({} if preprocessing is None else {"preprocessing": preprocessing.to_json()})}
        names["export_info"] = write_info(staging / INFO_FILE, type(model).__name__, infos, files, paper,
                                          check_range).name
    return {key: outdir / name for key, name in names.items()}


def export_settings(export_cfg: ml_collections.ConfigDict, **overrides: object) -> dict:
    """export_model's tflite/height/width/tflite_batch/check_range from a config's `export`
    section (defaults for fields a run folder written before them lacks), `overrides` (not None) on top."""
    settings = {"tflite": export_cfg.tflite, "height": export_cfg.height, "width": export_cfg.width,
                "tflite_batch": export_cfg.get("tflite_batch", 1), "check_range": export_cfg.get("check_range", True)}
    settings.update((k, v) for k, v in overrides.items() if v is not None)
    settings["tflite"] = parse_quantizations(settings["tflite"])
    return settings


def _tflite_shapes(e: EndpointInfo, height: int, width: int, batch: int) -> dict:
    """'input_shapes': every input's shape by name (-1: a dynamic batch), one key for every endpoint."""
    return {"input_shapes": {s.name: [-1 if d is None else d for d in s.shape.as_list()]
                             for s in fixed_size(e.inputs, height, width, batch or None, e.size_divisors)}}
