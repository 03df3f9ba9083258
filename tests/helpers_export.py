"""Helpers shared by the export/translate tests (this module holds no tests): tiny configs and models."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from tests.tool_host import shared_host
from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.export import Preprocessing, export_model, run_tflite
from tf_i2i.models.base import GANModel
from tf_i2i.models.serving.checks import failed_check
from tf_i2i.registry import build_model
from tf_i2i.training.checkpoint import TrainCheckpoint, training_state
from tf_i2i.training.loop import build_trainer_state, save_config

REPO = Path(__file__).resolve().parent.parent

# 4 filters; a 5-down U-Net (size multiple 32) and a 1-block ResNet (size multiple 4). pix2pix keeps
# its batch norm and dropout so the export must run them in inference mode.
TINY = {
    "pix2pix": {"model.generator.netG": "unet_5downs", "model.generator.ngf": 4,
                "model.discriminator.ndf": 4},
    "cyclegan": {"model.generator.netG": "resnet_1blocks", "model.generator.ngf": 4,
                 "model.discriminator.ndf": 4, "model.pool_size": 0},
    # G1 with 2 downsamplings (size multiple 4), E with 2; 3 clusters per class; 6 synthetic scenes.
    "pix2pixhd": {"model.generator.ngf": 4, "model.generator.n_downsample_global": 2,
                  "model.generator.n_blocks_global": 1, "model.discriminator.ndf": 4,
                  "model.discriminator.n_layers_D": 1, "model.discriminator.num_D": 1, "model.encoder.nef": 4,
                  "model.encoder.n_downsample_E": 2, "model.encoder.n_clusters": 3,
                  "data.synthetic.num_images": 6, "data.synthetic.image_size": 36, "data.load_size": 36},
    # 32x32 output (1x1 latent grid), spectral norm and sync batch norm as configured; z_dim 8.
    "spade": {"model.generator.ngf": 4, "model.generator.z_dim": 8, "model.generator.spade_hidden": 8,
              "model.discriminator.ndf": 4,
              "model.discriminator.n_layers_D": 2, "model.discriminator.num_D": 1,
              "data.synthetic.num_images": 4, "data.synthetic.image_size": 36, "data.load_size": 36},
}
RUN = {"data.crop_size": 32, "export.height": 32, "export.width": 32, "export.tflite": ""}


def tiny_config(model: str, **flat: object) -> ml_collections.ConfigDict:
    """configs/<model>/synthetic.py shrunk by TINY, with RUN's sizes, then `flat` ({'a.b': value})."""
    config = load_config_file(CONFIG_DIR / model / "synthetic.py")
    config.update_from_flattened_dict({**TINY[model], **RUN, **flat})
    return config


def tiny_model(model: str, seed: int = 0, **flat: object) -> GANModel:
    """A tiny untrained model with built generators (random weights are enough to compare runtimes)."""
    keras.utils.set_random_seed(seed)
    built = build_model(tiny_config(model, **flat))
    built.build_generators()
    return built


_EXPORTS: dict[str, tuple] = {}


@pytest.fixture(scope="session", params=["pix2pix", "cyclegan"])
def exported(request, tmp_path_factory):
    """(model, export_model paths, loaded SavedModel) for each tiny model, float32 TFLite at 32x32.

    Imported by the SavedModel and TFLite test modules; pytest would build one per module, so the
    result is cached here and both modules share one export per model.
    """
    return exported_model(request.param, tmp_path_factory)


def exported_model(name: str, tmp_path_factory) -> tuple:
    """The `exported` fixture's (model, paths, loaded SavedModel) of one model, made once per session."""
    if name not in _EXPORTS:
        model = tiny_model(name)
        paths = export_model(model, tmp_path_factory.mktemp(name), tflite=("float32",), height=32, width=32)
        _EXPORTS[name] = model, paths, tf.saved_model.load(str(paths["saved_model"]))
    return _EXPORTS[name]


_SPADE_RUN: list[tuple] = []


def spade_run(tmp_path_factory) -> tuple[Path, GANModel, dict[str, Path], object]:
    """(run folder, its model, export_model paths of RUN/export with float32 TFLite at 32x32, loaded
    SavedModel) of a tiny use_vae SPADE; made once per session for the export and translate tests."""
    if not _SPADE_RUN:
        workdir = tmp_path_factory.mktemp("spade_run")
        keras.utils.set_random_seed(0)
        config = tiny_config("spade")
        model = write_run(workdir, config)
        paths = export_model(model, workdir / "export", tflite=("float32",), height=32, width=32,
                             preprocessing=Preprocessing.of(config.data))
        _SPADE_RUN.append((workdir, model, paths, tf.saved_model.load(str(paths["saved_model"]))))
    return _SPADE_RUN[0]


def write_run(workdir: Path, config: ml_collections.ConfigDict) -> GANModel:
    """A run folder as train() leaves it (config.json + a checkpoint of training_state()), no steps."""
    model = build_trainer_state(config, tf.distribute.get_strategy(), _zero_batch(config))
    for net in model.generator_networks():  # move every variable (BatchNorm statistics too) off its init
        for variable in net.weights:
            variable.assign_add(tf.random.uniform(variable.shape, -0.1, 0.1))
    workdir.mkdir(parents=True, exist_ok=True)
    save_config(config, workdir)
    TrainCheckpoint(workdir, training_state(model)).save(1)
    return model


def _zero_batch(config: ml_collections.ConfigDict) -> dict[str, tf.Tensor]:
    """One all-zero training batch of config's layout, enough to build every network."""
    side, d = config.data.crop_size, config.data
    if d.layout == "boxes":  # INIT: no box in either domain
        return {**{f"{x}_boxes": tf.zeros([1, d.boxes.max_boxes, 4]) for x in "AB"},
                **{f"{x}_box_valid": tf.zeros([1, d.boxes.max_boxes], tf.bool) for x in "AB"},
                "A": tf.zeros([1, side, side, d.a_channels]), "B": tf.zeros([1, side, side, d.b_channels])}
    if d.layout != "labels":
        return {"A": tf.zeros([1, side, side, d.a_channels]), "B": tf.zeros([1, side, side, d.b_channels])}
    ids = tf.zeros([1, side, side, 1], tf.int32)
    return {"label": ids, "instance": ids, "image": tf.zeros([1, side, side, d.b_channels])}


def random_images(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """float32 images in [-1, 1]."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(np.float32)


def keras_output(generator, images: np.ndarray) -> np.ndarray:
    return generator(images, training=False).numpy()


def run_tools(*commands: tuple[str, ...], timeout: float = 180) -> list[subprocess.CompletedProcess]:
    """Runs each (tool, *args) as tools/<tool>.py in turn, in this process's tool host (TensorFlow's
    start-up paid once, tests/tool_host.py); returns them as finished processes, in order."""
    host = shared_host()
    return [host.completed(REPO / "tools" / f"{tool}.py", list(args), REPO, timeout) for tool, *args in commands]


def serving_error(signature, **inputs: np.ndarray) -> str:
    """The one-line message (failed_check) of the serving check that fails when `signature` (a
    loaded SavedModel's, as TF Serving calls it) runs on `inputs` by name."""
    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        signature(**{name: tf.constant(value) for name, value in inputs.items()})
    message = failed_check(caught.value)
    assert message is not None, caught.value.message
    return message


def tflite_first(paths: dict[str, Path], name: str, args: tuple) -> np.ndarray:
    """The float32 .tflite of endpoint `name` (export_model `paths`) on the first batch item of each
    of `args` (its inputs in order): the files have a fixed batch of 1."""
    names = json.loads(paths["export_info"].read_text())["inputs"][name]
    return run_tflite(paths[f"{name}_float32"], {n: a[:1] for n, a in zip(names, args, strict=True)})
