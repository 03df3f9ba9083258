"""A tiny INIT run folder shared by the INIT export and translate tests (this module holds no tests):
3 box slots, style codes of 8, 32 px, exported at 32x32 with float32 TFLite files of the instance
endpoints (and serve, the default signature)."""

from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf

from tests.helpers_training import tiny_config
from tests.helpers_export import write_run
from tf_i2i.export import Preprocessing, export_model
from tf_i2i.models.base import GANModel

SIDE = 32  # the export's (and the run's crop) size
EXPORTED = ("serve", "serve_instances", "instance_codes", "serve_instances_b2a")
_RUN: list[tuple] = []


def init_run(tmp_path_factory) -> tuple[Path, GANModel, dict[str, Path], object]:
    """(run folder, its model, export_model paths of RUN/export, loaded SavedModel), made once per session."""
    if not _RUN:
        workdir = tmp_path_factory.mktemp("init_run")
        keras.utils.set_random_seed(0)
        config = tiny_config("init", export__height=SIDE, export__width=SIDE)
        model = write_run(workdir, config)
        endpoints = [e for e in model.export_endpoints() if e.name in EXPORTED]
        paths = export_model(model, workdir / "export", tflite=("float32",), height=SIDE, width=SIDE,
                             endpoints=endpoints, preprocessing=Preprocessing.of(config.data))
        _RUN.append((workdir, model, paths, tf.saved_model.load(str(paths["saved_model"]))))
    return _RUN[0]
