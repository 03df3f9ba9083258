"""Rebuild a trained model from a run folder (config.json + newest checkpoint) for export and translation.

Generator weights (pix2pixHD's feature encoder too) are restored through the map training saves them under, "network_weights" (see
GANModel.network_weights), so BatchNorm statistics come back too. The model is rebuilt
under the current dtype policy (float32 unless changed), which suits inference for any training
precision because variables are stored in float32.
"""

from __future__ import annotations

import json
from pathlib import Path

import ml_collections
import tensorflow as tf

from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.base import GANModel
from tf_i2i.registry import build_model


def load_run_config(workdir: str | Path) -> ml_collections.ConfigDict:
    """The config.json that tools/train.py wrote into the run folder."""
    path = Path(workdir) / "config.json"
    if not path.is_file():
        raise ExportInputError(f"{path} not found: --workdir must be a run folder written by tools/train.py or tools/convert.py")
    return ml_collections.ConfigDict(json.loads(path.read_text()))


def load_trained_model(workdir: str | Path) -> GANModel:
    """The model of a run folder with its generator networks restored from the newest checkpoint.

    Discriminators are left unbuilt (inference only). Raises
    ExportInputError when there is no checkpoint, it does not fit config.json, or it lacks a
    generator variable (which would otherwise export a silently wrong model).
    """
    workdir = Path(workdir)
    config = load_run_config(workdir)
    model = build_model(config)
    model.build_generators()
    checkpoint_path = tf.train.latest_checkpoint(str(workdir / "checkpoints"))
    if checkpoint_path is None:
        raise ExportInputError(f"no checkpoint in {workdir / 'checkpoints'}: train the run first")
    root = tf.train.Checkpoint(network_weights=model.network_weights(generators_only=True))
    try:
        root.restore(checkpoint_path).expect_partial().assert_existing_objects_matched()
    except (AssertionError, ValueError, tf.errors.OpError) as err:
        raise ExportInputError(f"checkpoint {checkpoint_path} does not fit the model rebuilt from "
                               f"{workdir / 'config.json'}: {err}") from err
    _check_generators_covered(root, model, checkpoint_path)
    return model


def _check_generators_covered(root: tf.train.Checkpoint, model: GANModel, checkpoint_path: str) -> None:
    """Every generator variable must be reachable from the restored objects, or it kept its initial value."""
    reachable = {id(obj) for obj in tf.train.TrackableView(root).descendants()}
    missing = [v.path for net in model.generator_networks() for v in net.weights if id(v) not in reachable]
    if missing:
        shown = ", ".join(missing[:4]) + (", ..." if len(missing) > 4 else "")
        raise ExportInputError(
            f"checkpoint {checkpoint_path} cannot restore {len(missing)} generator variables ({shown}): "
            "training checkpoints do not store them, so the restored generator would be wrong")
