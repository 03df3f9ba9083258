"""A tiny MUNIT run folder shared by the MUNIT export and translate tests (this module holds no tests):
one-channel domain A, three-channel domain B, 32 px, exported with float32 TFLite at 32x32."""

from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf

from tests.helpers_training import tiny_config
from tests.helpers_export import write_run
from tf_i2i.export import Preprocessing, export_model
from tf_i2i.models.base import GANModel

STYLE_DIM = 8
_RUN: list[tuple] = []


def munit_run(tmp_path_factory) -> tuple[Path, GANModel, dict[str, Path], object]:
    """(run folder, its model, export_model paths of RUN/export, loaded SavedModel), made once per session."""
    if not _RUN:
        workdir = tmp_path_factory.mktemp("munit_run")
        keras.utils.set_random_seed(0)
        config = tiny_config("munit", data__a_channels=1)
        model = write_run(workdir, config)
        paths = export_model(model, workdir / "export", tflite=("float32",), height=32, width=32,
                             preprocessing=Preprocessing.of(config.data))
        _RUN.append((workdir, model, paths, tf.saved_model.load(str(paths["saved_model"]))))
    return _RUN[0]
