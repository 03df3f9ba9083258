"""Loading ml_collections .py configs by path (configs/ is a folder of files, not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import ml_collections

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


def load_config_file(path: str | Path) -> ml_collections.ConfigDict:
    """Imports a config file and returns its get_config()."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config file not found: {path}")
    spec = importlib.util.spec_from_file_location(f"tf_i2i_config_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_config()


def load_sibling(config_file: str, name: str = "default.py") -> ml_collections.ConfigDict:
    """For dataset configs: start from the paper defaults stored next to them."""
    return load_config_file(Path(config_file).resolve().parent / name)


def use_small_synthetic_run(c: ml_collections.ConfigDict, num_steps: int = 1500, batch_size: int = 4) -> None:
    """The settings every configs/<model>/synthetic.py shares: 64 px crops of 72 px built-in scenes,
    a run of `num_steps` (2/3 at the full rate, then linear decay), samples and checkpoints every
    sixth of it, and a 64x64 TFLite export: minutes on a 2-core CPU."""
    c.data.source = "synthetic"
    c.data.synthetic.num_images = 256
    c.data.synthetic.image_size = 72
    c.data.load_size = 72
    c.data.crop_size = 64
    c.train.batch_size = batch_size
    c.train.num_steps = num_steps
    c.train.log_every = 50
    c.train.sample_every = c.train.checkpoint_every = num_steps // 6
    c.optim.constant_steps = num_steps * 2 // 3
    c.optim.decay_steps = num_steps - num_steps * 2 // 3
    c.export.height = c.export.width = 64
