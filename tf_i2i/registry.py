"""Paper name -> PaperSpec, found by importing every tf_i2i/models/<paper>/spec.py, so adding a paper
touches no table: a folder with a spec.py that defines SPEC is registered."""

from __future__ import annotations

import functools
import importlib
import pkgutil

import ml_collections

import tf_i2i.models
from tf_i2i.config_utils import load_config_file
from tf_i2i.models.base import GANModel
from tf_i2i.models.spec import PaperSpec


@functools.cache
def specs() -> dict[str, PaperSpec]:
    """Every paper's spec by name, in name order."""
    found: dict[str, PaperSpec] = {}
    for info in pkgutil.iter_modules(tf_i2i.models.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tf_i2i.models.{info.name}.spec")
        except ModuleNotFoundError as err:
            if err.name != f"tf_i2i.models.{info.name}.spec":
                raise
            continue  # a shared package (serving/), not a paper
        spec = module.SPEC
        if spec.name in found:
            raise ValueError(f"two papers are named {spec.name!r}: tf_i2i/models/{info.name} and another")
        found[spec.name] = spec
    return dict(sorted(found.items()))


def get_spec(name: str) -> PaperSpec:
    """The spec of a registered paper; an error listing the registered ones otherwise."""
    registered = specs()
    if name not in registered:
        raise KeyError(f"unknown model {name!r}; registered: {sorted(registered)}")
    return registered[name]


def spec_of(model: GANModel) -> PaperSpec:
    """The spec of the paper whose model class `model` is (what an export records as its paper)."""
    for spec in specs().values():
        if type(model) is spec.model_class:
            return spec
    raise KeyError(f"{type(model).__name__} is no registered paper's model class")


def default_config(name: str) -> ml_collections.ConfigDict:
    """The paper-default config of a registered model."""
    return load_config_file(get_spec(name).default_config)


def build_model(config: ml_collections.ConfigDict) -> GANModel:
    """Instantiates config.model.name's Model from config.model."""
    return get_spec(config.model.name).model_class(config.model)
