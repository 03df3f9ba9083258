"""A tiny DRIT run folder shared by the DRIT export and translate tests (this module holds no tests):
one-channel domain A, three-channel domain B, dim 4, concat=1, exported (SavedModel only) to RUN/export.

No training step runs: DRIT's content discriminator needs 212 px crops, and export restores the
generators alone, so the checkpoint holds the generator weights (moved off their initial values)
under the key training checkpoints use."""

from __future__ import annotations

from pathlib import Path

import keras
import ml_collections
import tensorflow as tf

from tests.helpers_drit import tiny_drit_config
from tf_i2i.export import Preprocessing, export_model
from tf_i2i.models.base import GANModel
from tf_i2i.registry import build_model
from tf_i2i.training.checkpoint import TrainCheckpoint
from tf_i2i.training.loop import save_config

NZ = 8
_RUN: list[tuple] = []


def drit_config(**overrides: object) -> ml_collections.ConfigDict:
    """tiny_drit_config with a one-channel domain A, then `overrides` (model__concat=0)."""
    return tiny_drit_config(data__a_channels=1, **overrides)


def perturbed_generators(config: ml_collections.ConfigDict, seed: int = 0) -> GANModel:
    """The built generators of `config`'s model (DRIT or MDMM) with every weight moved off its
    initial value, so exports and translations are not trivially alike."""
    keras.utils.set_random_seed(seed)
    model = build_model(config)
    model.build_generators()
    for net in model.generator_networks():
        for variable in net.weights:
            variable.assign_add(tf.random.uniform(variable.shape, -0.1, 0.1))
    return model


def drit_run(tmp_path_factory) -> tuple[Path, GANModel, dict[str, Path], object]:
    """(run folder, its model, export_model paths of RUN/export, loaded SavedModel), made once per session."""
    if not _RUN:
        workdir = tmp_path_factory.mktemp("drit_run")
        config = drit_config()
        model = perturbed_generators(config)
        save_config(config, workdir)
        TrainCheckpoint(workdir, {"network_weights": model.network_weights(generators_only=True)}).save(1)
        paths = export_model(model, workdir / "export", tflite=(), height=32, width=32,
                             preprocessing=Preprocessing.of(config.data))
        _RUN.append((workdir, model, paths, tf.saved_model.load(str(paths["saved_model"]))))
    return _RUN[0]
