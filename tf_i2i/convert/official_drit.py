"""Official HsinYingLee/DRIT and HsinYingLee/MDMM checkpoints -> a tf_i2i run folder (drit / drit_md),
so tools/translate.py and tools/export.py take a converted model like a trained one.

A checkpoint is what DRIT.save / MD_multi.save write: {role: state_dict, ..., '<role>_opt': optimiser
state, 'ep', 'total_it'}. It records no options, so the official options that shape the networks
are given (official defaults otherwise), plus our widths `dim` / `mlp_dim` for the official
hard-coded 64 / 256. The options become config.json; the role loaders of tf_i2i.convert.drit / mdmm
load each role's state_dict straight into the same-named network of the model config.json builds,
so the saved weights are the very ones the run folder restores, and an option that does not fit
fails on the first official key that does not fit. enc_c, enc_a and gen are required; the
discriminators are converted when the checkpoint has them (MDMM's disContent only with isDcontent:
MD_multi saves an untrained one otherwise). Run folder: tf_i2i.convert.run_folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ml_collections

from tf_i2i.convert import drit, mdmm
from tf_i2i.convert.official import CHECKPOINT, FileFlag, OfficialConverter, OptionFlag, option_flags
from tf_i2i.convert.option_checks import bool_option
from tf_i2i.convert.pth import read_pth
from tf_i2i.convert.roles import RoleTable
from tf_i2i.convert.run_folder import check_no_checkpoints, write_run_folder
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tf_i2i.registry import build_model, default_config

GENERATOR_ROLES = ("enc_c", "enc_a", "gen")
WIDTH_DEFAULTS = {"dim": 64, "mlp_dim": 256}


def _drit_config(opts: Mapping[str, Any], dim: int, mlp_dim: int) -> ml_collections.ConfigDict:
    o = drit.drit_options(opts, dim, mlp_dim)
    c = default_config("drit")
    c.data.a_channels = o.input_dim_a  # model.input_nc / output_nc follow (config references)
    c.data.b_channels = o.input_dim_b
    c.model.update(concat=o.concat, dis_scale=o.dis_scale, dis_norm=o.dis_norm,
                   dis_spectral_norm=o.dis_spectral_norm, dim=o.dim, mlp_dim=o.mlp_dim)
    return c


def _mdmm_config(opts: Mapping[str, Any], dim: int, mlp_dim: int) -> ml_collections.ConfigDict:
    # MD_multi builds every network for opts.input_dim_a channels.
    o = mdmm.mdmm_options({**opts, "input_dim": opts["input_dim_a"]}, dim, mlp_dim)
    c = default_config("drit_md")
    c.data.a_channels = o.input_dim  # model.input_nc, num_domains and image_size follow
    c.data.num_domains = o.num_domains
    c.data.crop_size = o.crop_size
    c.model.update(concat=o.concat, dis_norm=o.dis_norm, dis_spectral_norm=o.dis_spectral_norm,
                   content_discriminator=bool_option(opts["isDcontent"], "official isDcontent"),
                   dim=o.dim, mlp_dim=o.mlp_dim, nz=o.nz)
    return c


@dataclass(frozen=True)
class Family:
    """What differs between the DRIT and MDMM conversions."""

    roles: RoleTable
    defaults: Mapping[str, Any]  # the official options that shape the networks, official defaults
    run_config: Callable[[Mapping[str, Any], int, int], ml_collections.ConfigDict]  # checked options, widths -> config
    discriminator_inputs: Callable[[ml_collections.ConfigDict], dict[str, int]]  # model config -> input channels

    def options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The official defaults with `given` (command-line options) over them."""
        unknown = sorted(set(given) - set(self.defaults))
        if unknown:
            raise ConversionError(f"unknown {self.roles.family} option(s) {unknown}; known: {sorted(self.defaults)}")
        return {**self.defaults, **given}


FAMILIES = {
    "drit": Family(drit.ROLES, dict(input_dim_a=3, input_dim_b=3, concat=1, dis_scale=3, dis_norm="None",
                                    dis_spectral_norm=False), _drit_config,
                   lambda m: {"disA": m.input_nc, "disA2": m.input_nc, "disB": m.output_nc, "disB2": m.output_nc,
                              "disContent": 4 * m.dim}),
    "drit_md": Family(mdmm.ROLES, dict(input_dim_a=3, num_domains=3, concat=1, dis_spectral_norm=False,
                                       dis_norm="None", crop_size=216, isDcontent=False), _mdmm_config,
                      lambda m: {"dis1": m.input_nc, "dis2": m.input_nc, "disContent": 4 * m.dim}),
}


def _read_checkpoint(path: Path, family: str) -> Mapping[str, Any]:
    if not path.is_file():
        raise ConversionError(f"checkpoint {path} not found")
    checkpoint = read_pth(path)
    if not isinstance(checkpoint, Mapping):
        raise ConversionError(f"{path}: holds a {type(checkpoint).__name__}, not a {family} checkpoint "
                              "({role: state_dict, ...})")
    missing = [r for r in GENERATOR_ROLES if r not in checkpoint]
    if missing:
        raise ConversionError(f"{path}: no {missing} in the checkpoint (keys {sorted(map(str, checkpoint))[:12]}): "
                              f"not a {family} checkpoint")
    return checkpoint


def convert_drit(model: str, checkpoint: str | Path, output_dir: str | Path, given: Mapping[str, Any],
                 dim: int = WIDTH_DEFAULTS["dim"], mlp_dim: int = WIDTH_DEFAULTS["mlp_dim"]) -> Path:
    """Converts a DRIT (`model` 'drit') or MDMM ('drit_md') checkpoint into the run folder
    `output_dir`; returns its config.json path. `given`: official options (unset ones take the
    official defaults)."""
    if model not in FAMILIES:
        raise ConversionError(f"unknown model {model!r}; expected one of {sorted(FAMILIES)}")
    family = FAMILIES[model]
    opts = family.options(given)
    config = family.run_config(opts, dim, mlp_dim)  # bad options fail before any file is read
    check_no_checkpoints(output_dir)
    path = Path(checkpoint)
    state = _read_checkpoint(path, family.roles.family)
    gan = build_model(config)
    gan.build_generators()
    inputs = family.discriminator_inputs(config.model)
    networks = {net.name: net for net in gan.generator_networks() + gan.discriminator_networks()}
    roles = [role for role in networks if role in state]
    for role in roles:
        if not isinstance(state[role], Mapping):
            raise ConversionError(f"{path}[{role!r}]: a {type(state[role]).__name__}, not a state_dict")
        if role in inputs:  # build_generators leaves the discriminators unbuilt
            networks[role].build((None, None, None, inputs[role]))
        family.roles.load(role, networks[role], StateDict(state[role], source=f"{path}[{role!r}]"))
    manifest = {"model": model, "official_options": dict(opts), "widths": {"dim": dim, "mlp_dim": mlp_dim},
                "checkpoint": str(path), "networks": roles}
    weights = {name: w for name, w in gan.network_weights().items() if name in roles}
    return write_run_folder(output_dir, weights, config, manifest)


def _converter(model: str, title: str) -> OfficialConverter:
    family = FAMILIES[model]

    def convert(files: Mapping[str, Path], given: Mapping[str, Any], output_dir: Path) -> Path:
        official = {k: v for k, v in given.items() if k not in WIDTH_DEFAULTS}
        widths = {**WIDTH_DEFAULTS, **{k: v for k, v in given.items() if k in WIDTH_DEFAULTS}}
        return convert_drit(model, files[CHECKPOINT], output_dir, official, **widths)

    options = {**option_flags(family.defaults, f"official {title} option (the networks' shape)"),
               "dim": OptionFlag(WIDTH_DEFAULTS["dim"], "the width the official code hard-codes as 64 (content "
                                 "width 4 * dim); only for checkpoints of edited official code"),
               "mlp_dim": OptionFlag(WIDTH_DEFAULTS["mlp_dim"], "the MLP width the official concat=0 generator "
                                     "hard-codes as 256; only for checkpoints of edited official code")}
    checkpoint = FileFlag(CHECKPOINT, "the saved model <result_dir>/<name>/<epoch>.pth (every network)",
                          required=True)
    return OfficialConverter(model, (checkpoint,), convert, options)


DRIT_CONVERTER = _converter("drit", "DRIT")
MDMM_CONVERTER = _converter("drit_md", "MDMM")
