"""Model name -> Model class and paper-default config, so the tools stay generic."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import ml_collections

from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.models import DRIT, MDMM, MUNIT, SPADE, UNIT, CycleGAN, GANModel, Pix2Pix, Pix2PixHD


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    model_class: type[GANModel]
    default_config: Path
    status: str


MODELS: dict[str, ModelEntry] = {
    "pix2pix": ModelEntry(Pix2Pix, CONFIG_DIR / "pix2pix" / "default.py", "trainable, fixture-checked"),
    "cyclegan": ModelEntry(CycleGAN, CONFIG_DIR / "cyclegan" / "default.py", "trainable, fixture-checked"),
    "pix2pixhd": ModelEntry(Pix2PixHD, CONFIG_DIR / "pix2pixhd" / "default.py", "trainable, fixture-checked"),
    "spade": ModelEntry(SPADE, CONFIG_DIR / "spade" / "default.py", "trainable, fixture-checked"),
    "munit": ModelEntry(MUNIT, CONFIG_DIR / "munit" / "default.py", "trainable"),
    "unit": ModelEntry(UNIT, CONFIG_DIR / "unit" / "default.py", "trainable"),
    "drit": ModelEntry(DRIT, CONFIG_DIR / "drit" / "default.py", "trainable"),
    "drit_md": ModelEntry(MDMM, CONFIG_DIR / "drit_md" / "default.py", "trainable"),
}


def get_entry(name: str) -> ModelEntry:
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; registered: {sorted(MODELS)}")
    return MODELS[name]


def default_config(name: str) -> ml_collections.ConfigDict:
    """The paper-default config of a registered model."""
    return load_config_file(get_entry(name).default_config)


def build_model(config: ml_collections.ConfigDict) -> GANModel:
    """Instantiates config.model.name's Model from config.model."""
    return get_entry(config.model.name).model_class(config.model)
