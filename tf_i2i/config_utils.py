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
