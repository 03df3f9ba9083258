"""Official MUNIT / UNIT training snapshots -> Keras weights files, without torch.

The official trainers save checkpoints/gen_<iter>.pt = {'a': gen_a.state_dict(), 'b': gen_b.state_dict()}
and dis_<iter>.pt likewise (MUNIT's pretrained models are such gen files); the networks' options are
the run's YAML config (`gen:` and `dis:` sections, input_dim_a / input_dim_b). Output directory:
`<role>.weights.h5` for gen_a, gen_b (and dis_a, dis_b) plus `options.json`
{"model", "official_options", "networks": {role: {"weights", "checkpoint"}}}, from which
load_converted_networks rebuilds them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import yaml

from tf_i2i.convert.munit import (DIS_KEYS, MUNIT_GEN_KEYS, UNIT_GEN_KEYS, build_discriminator_from_official,
                                  build_munit_generator_from_official, input_dim_option, load_discriminator,
                                  load_munit_generator, official_options)
from tf_i2i.convert.official_checkpoint import OPTIONS_FILE
from tf_i2i.convert.pth import load_state_dicts
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.convert.unit import build_unit_generator_from_official, load_unit_generator

# model -> (gen option keys, build, load) of its generators.
GENERATORS: dict[str, tuple[tuple[str, ...], Callable, Callable]] = {
    "munit": (MUNIT_GEN_KEYS, build_munit_generator_from_official, load_munit_generator),
    "unit": (UNIT_GEN_KEYS, build_unit_generator_from_official, load_unit_generator),
}
MODELS = tuple(GENERATORS)
DOMAINS = ("a", "b")


def read_official_config(path: str | Path, model: str) -> dict[str, Any]:
    """The network options of an official YAML config (configs/*.yaml or the run's copy), checked."""
    if model not in GENERATORS:
        raise ConversionError(f"unknown model {model!r}; expected one of {sorted(GENERATORS)}")
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"official config {path} not found")
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ConversionError(f"{path}: not readable YAML: {e}") from e
    if not isinstance(config, dict) or not {"gen", "dis"} <= set(config):
        raise ConversionError(f"{path}: not an official {model} config (no 'gen:' and 'dis:' sections)")
    opts = {f"input_dim_{d}": input_dim_option(config.get(f"input_dim_{d}"), f"input_dim_{d}") for d in DOMAINS}
    opts["gen"] = official_options(config["gen"], GENERATORS[model][0], "gen")
    opts["dis"] = official_options(config["dis"], DIS_KEYS, "dis")
    return opts


def _networks(model: str) -> dict[str, tuple[str, Callable, Callable]]:
    """role -> (option section, build, load)."""
    _, build_gen, load_gen = GENERATORS[model]
    nets = {f"gen_{d}": ("gen", build_gen, load_gen) for d in DOMAINS}
    nets.update({f"dis_{d}": ("dis", build_discriminator_from_official, load_discriminator) for d in DOMAINS})
    return nets


def _build(model: str, role: str, opts: dict[str, Any]) -> tuple[keras.Model, Callable]:
    """The network of `role` built from the options, and its official-weights loader."""
    section, build, load = _networks(model)[role]
    return build(opts[f"input_dim_{role[-1]}"], opts[section], name=role), load


def convert_munit_unit(model: str, checkpoint: str | Path, official_config: str | Path, output_dir: str | Path,
                       checkpoint_d: str | Path | None = None) -> Path:
    """Converts gen_<iter>.pt (and dis_<iter>.pt) into `output_dir`; returns the options.json path.
    Every official key must be loaded, so options that do not fit the checkpoint fail."""
    opts = read_official_config(official_config, model)
    files = {"gen": checkpoint, "dis": checkpoint_d}
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries = {}
    for kind, path in files.items():
        if path is None:
            continue
        state_dicts = load_state_dicts(path, DOMAINS)
        for d in DOMAINS:
            role = f"{kind}_{d}"
            net, load = _build(model, role, opts)
            load(net, state_dicts[d])
            state_dicts[d].check_all_used()
            net.save_weights(out / f"{role}.weights.h5")
            entries[role] = {"weights": f"{role}.weights.h5", "checkpoint": str(path)}
    manifest = out / OPTIONS_FILE
    manifest.write_text(json.dumps({"model": model, "official_options": opts, "networks": entries}, indent=1) + "\n")
    return manifest


def load_converted_networks(output_dir: str | Path) -> dict[str, keras.Model]:
    """The networks a convert_munit_unit run wrote, by official role name, weights loaded."""
    out = Path(output_dir)
    manifest = json.loads((out / OPTIONS_FILE).read_text())
    if manifest.get("model") not in GENERATORS or "networks" not in manifest:
        raise ConversionError(f"{out} is not a converted MUNIT/UNIT folder (options.json model "
                              f"{manifest.get('model')!r})")
    nets = {}
    for role, entry in manifest["networks"].items():
        net, _ = _build(manifest["model"], role, manifest["official_options"])
        net.load_weights(out / entry["weights"])
        nets[role] = net
    return nets
