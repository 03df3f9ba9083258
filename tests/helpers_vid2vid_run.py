"""A tiny vid2vid run folder (config.json + a checkpoint of its generators) and label-frame folders
for the vid2vid export and translate tests (this module holds no tests)."""

from __future__ import annotations

from pathlib import Path

import keras
import ml_collections
import numpy as np
import tensorflow as tf
from PIL import Image

from tests.helpers_vid2vid import tiny_model_config
from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.models.vid2vid.model import Vid2Vid
from tf_i2i.registry import build_model
from tf_i2i.training.checkpoint import TrainCheckpoint
from tf_i2i.training.loop import save_config

SIDE = 32  # frame height and width: the tiny generator's size multiple is 4 (8 with 2 spatial scales)


def tiny_run_config(**generator) -> ml_collections.ConfigDict:
    """configs/vid2vid/default.py with the tiny model of helpers_vid2vid (4 classes + instances),
    frames translated at their own size; `generator` overrides model.generator fields."""
    config = load_config_file(CONFIG_DIR / "vid2vid" / "default.py")
    config.model = tiny_model_config(**generator)
    config.data.update(dict(num_classes=4, use_instance=True, preprocess="none", crop_size=SIDE, load_size=SIDE))
    return config


def tiny_edges_config() -> ml_collections.ConfigDict:
    """The tiny run trained on Canny edge frames: label_nc 0, one input channel, no instances."""
    config = tiny_run_config(fg=False)
    config.model.update(dict(label_nc=0, input_nc=1, use_instance=False))
    config.data.update(dict(num_classes=0, a_channels=1, use_instance=False))
    config.data.video.update(dict(edges="canny", canny_low=50, canny_high=150))
    return config


def fresh_model(config: ml_collections.ConfigDict | None = None, seed: int = 0) -> Vid2Vid:
    """The built generators of `config` (default tiny_run_config()) as initialised: small flows, so a
    loop that feeds its frames back stays stable (moved weights make it amplify any difference)."""
    keras.utils.set_random_seed(seed)
    model = build_model(config or tiny_run_config())
    model.build_generators()
    return model


def tiny_model(config: ml_collections.ConfigDict | None = None, seed: int = 0) -> Vid2Vid:
    """fresh_model with every weight moved off its initial value (BatchNorm statistics too), so a
    restore that missed one would show."""
    model = fresh_model(config, seed)
    for net in model.generator_networks():
        for variable in net.weights:
            variable.assign_add(tf.random.uniform(variable.shape, -0.1, 0.1))
    return model


def write_run(workdir: Path, config: ml_collections.ConfigDict) -> Vid2Vid:
    """A run folder of a tiny model of `config` as tools/export.py and translate.py read it."""
    model = tiny_model(config)
    workdir.mkdir(parents=True, exist_ok=True)
    save_config(config, workdir)
    TrainCheckpoint(workdir, {"network_weights": model.network_weights(generators_only=True)}).save(1)
    return model


def label_frames(n: int, seed: int = 0, side: int = SIDE) -> tuple[np.ndarray, np.ndarray]:
    """Blocky label ids in [0, 4) and instance ids [n, side, side] that drift by a pixel a frame."""
    rng = np.random.default_rng(seed)
    cells = np.repeat(np.repeat(rng.integers(0, 4, (side // 4 + n, side // 4 + n)), 4, 0), 4, 1)
    labels = np.stack([cells[t:t + side, t:t + side] for t in range(n)]).astype(np.uint8)
    return labels, (labels.astype(np.int32) * 1000 + 1).astype(np.uint16)


def write_frames(folder: Path, frames: np.ndarray, names: list[str] | None = None) -> list[Path]:
    """frames[i] as folder/<names[i]>.png (default frame_000.png, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png" for name in (names or [f"frame_{i:03d}" for i in range(len(frames))])]
    for path, frame in zip(paths, frames):
        Image.fromarray(frame).save(path)
    return paths
