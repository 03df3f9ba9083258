"""Official MUNIT / UNIT training snapshots -> a tf_i2i run folder (munit / unit), without torch, so
tools/translate.py and tools/export.py take a converted model like a trained one.

The official trainers save checkpoints/gen_<iter>.pt = {'a': gen_a.state_dict(), 'b': gen_b.state_dict()}
and dis_<iter>.pt likewise (MUNIT's pretrained models are such gen files); the networks' options are
the run's YAML config (`gen:` and `dis:` sections, input_dim_a / input_dim_b). config.json is the
paper's default config with the model fields, the loss weights (`*_w`) and the data sizes
(new_size, square crop_image_height/width) of that YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ml_collections
import yaml

from tf_i2i.convert.model_networks import converted_weights
from tf_i2i.convert.munit import (DIS_KEYS, MUNIT_GEN_KEYS, UNIT_GEN_KEYS, input_dim_option, load_discriminator,
                                  load_munit_generator, official_options)
from tf_i2i.convert.official import CHECKPOINT, CHECKPOINT_D, OFFICIAL_CONFIG, FileFlag, OfficialConverter
from tf_i2i.convert.pth import load_state_dicts
from tf_i2i.convert.run_folder import check_no_checkpoints, write_run_folder
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.convert.unit import load_unit_generator
from tf_i2i.registry import default_config

# model -> (gen option keys, loader) of its generators.
GENERATORS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "munit": (MUNIT_GEN_KEYS, load_munit_generator),
    "unit": (UNIT_GEN_KEYS, load_unit_generator),
}
DOMAINS = ("a", "b")


def read_official_config(path: str | Path, model: str) -> dict[str, Any]:
    """The options of an official YAML config (configs/*.yaml or the run's copy) that the run folder
    takes: the networks' (checked), the loss weights and the data sizes."""
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
    opts.update({k: v for k, v in config.items() if k.endswith("_w") or k in _DATA_KEYS})
    return opts


_DATA_KEYS = ("new_size", "crop_image_height", "crop_image_width")


def run_config(model: str, opts: Mapping[str, Any]) -> ml_collections.ConfigDict:
    """`model`'s default config with the networks, loss weights and data sizes of the official options."""
    c = default_config(model)
    c.data.a_channels, c.data.b_channels = opts["input_dim_a"], opts["input_dim_b"]  # model.input/output_nc follow
    c.model.generator.update(opts["gen"])
    c.model.discriminator.update(opts["dis"])
    c.model.loss.update({k: float(v) for k, v in opts.items() if k in c.model.loss and k.endswith("_w")})
    if "new_size" in opts:
        c.data.load_size = opts["new_size"]
    if "crop_image_width" in opts and opts.get("crop_image_height") == opts["crop_image_width"]:
        c.data.crop_size = c.export.height = c.export.width = opts["crop_image_width"]
    return c


def _converter(model: str) -> OfficialConverter:
    load_generator = GENERATORS[model][1]

    def convert(files: Mapping[str, Path], given: Mapping[str, Any], output_dir: Path) -> Path:
        opts = read_official_config(files[OFFICIAL_CONFIG], model)
        config = run_config(model, opts)
        check_no_checkpoints(output_dir)
        loads, checkpoints = {}, {}
        for flag, kind, load in ((CHECKPOINT, "gen", load_generator), (CHECKPOINT_D, "dis", load_discriminator)):
            if flag in files:
                state_dicts = load_state_dicts(files[flag], DOMAINS)
                loads.update({f"{kind}_{d}": (state_dicts[d], load) for d in DOMAINS})
                checkpoints[kind] = str(files[flag])
        channels = {f"dis_{d}": opts[f"input_dim_{d}"] for d in DOMAINS}
        manifest = {"model": model, "official_options": opts, "checkpoints": checkpoints}
        return write_run_folder(output_dir, converted_weights(config, loads, channels), config, manifest)

    files = (FileFlag(CHECKPOINT, "gen_<iter>.pt (both domains' generators)", required=True),
             FileFlag(CHECKPOINT_D, "dis_<iter>.pt (both discriminators)"),
             FileFlag(OFFICIAL_CONFIG, "the official run's YAML config (gen:, dis:, input_dim_a/b)",
                      required=True))
    return OfficialConverter(model, files, convert)


MUNIT_CONVERTER = _converter("munit")
UNIT_CONVERTER = _converter("unit")
