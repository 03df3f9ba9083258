"""Official junyanz/pytorch-CycleGAN-and-pix2pix generator checkpoints (latest_net_G.pth; CycleGAN's
latest_net_G_A.pth / latest_net_G_B.pth) and the run's train_opt.txt -> a tf_i2i run folder, so
tools/translate.py and tools/export.py take a converted model like a trained one.

The options that shape the generator come from the official defaults of the chosen model, then
train_opt.txt, then the given ones (under their official names). `num_downs` is the U-Net depth
(the official unet_128 / unet_256 are 7 / 8 downsamplings; 0 keeps the netG's), for U-Nets trained
at other depths, e.g. our configs/pix2pix/synthetic.py. config.json is the paper's default config
with the generator fields and the data sizes (load_size, crop_size, preprocess) set from them.

CycleGAN's G_B (B -> A) is optional: without it the folder holds G_A alone as the official
`--model test` runs a single-direction generator, i.e. the pix2pix model config (one generator,
CycleGAN's options), since a CycleGAN run folder must restore both directions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ml_collections

from tf_i2i.convert.cyclegan_pix2pix import OFFICIAL_NETG, OFFICIAL_NORMS, load_generator
from tf_i2i.convert.model_networks import converted_weights
from tf_i2i.convert.official import (CHECKPOINT, CHECKPOINT_B, OPT_FILE, FileFlag, OfficialConverter,
                                     OptionFlag)
from tf_i2i.convert.opt_file import merged_options
from tf_i2i.convert.option_checks import choice_option, int_option
from tf_i2i.convert.pth import load_state_dict
from tf_i2i.convert.run_folder import check_no_checkpoints, write_run_folder
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.data.config import PREPROCESS
from tf_i2i.registry import default_config

_SHARED = dict(ngf=64, input_nc=3, output_nc=3, num_downs=0, load_size=286, crop_size=256,
               preprocess="resize_and_crop")
# base_options defaults after each model's parser.set_defaults.
OFFICIAL_DEFAULTS = {
    "pix2pix": dict(netG="unet_256", norm="batch", no_dropout=False, **_SHARED),
    "cyclegan": dict(netG="resnet_9blocks", norm="instance", no_dropout=True, **_SHARED),
}
_HELP = {
    "netG": f"generator, one of {sorted(OFFICIAL_NETG)}",
    "ngf": "filters in the generator's first conv layer",
    "norm": f"normalisation, one of {sorted(OFFICIAL_NORMS)}",
    "no_dropout": "no dropout in the generator",
    "input_nc": "channels of the A images",
    "output_nc": "channels of the B images",
    "num_downs": "U-Net depth (downsamplings) when it is not the netG's (0: the netG's own)",
    "load_size": "training images were scaled to this size (data config)",
    "crop_size": "then cropped to this size (data config; the export size)",
    "preprocess": f"the official preprocess mode, one of {list(PREPROCESS)} (data config)",
}
# Official role -> our network (and its channels: G_B maps output_nc -> input_nc).
_ROLES = {"pix2pix": {"G": "generator"}, "cyclegan": {"G_A": "gen_ab", "G_B": "gen_ba"}}


def _generator_fields(o: Mapping[str, Any]) -> dict[str, Any]:
    """config.model.generator from the official options; netG in our naming (unet_<n>downs)."""
    kind, depth = OFFICIAL_NETG[choice_option(o["netG"], "official netG", sorted(OFFICIAL_NETG))]
    if int_option(o["num_downs"], "official num_downs", minimum=0):
        if kind != "unet":
            raise ConversionError(f"num_downs={o['num_downs']} sets a U-Net's depth, but netG={o['netG']!r}")
        depth = o["num_downs"]
    return dict(netG=f"unet_{depth}downs" if kind == "unet" else o["netG"], ngf=int_option(o["ngf"], "official ngf"),
                norm=OFFICIAL_NORMS[choice_option(o["norm"], "official norm", sorted(OFFICIAL_NORMS))],
                use_dropout=not o["no_dropout"])


def run_config(paper: str, o: Mapping[str, Any]) -> ml_collections.ConfigDict:
    """`paper`'s default config with the generator, channel and data-size fields from the options."""
    c = default_config(paper)
    c.model.generator.update(_generator_fields(o))
    c.model.input_nc = c.data.a_channels = int_option(o["input_nc"], "official input_nc")
    c.model.output_nc = c.data.b_channels = int_option(o["output_nc"], "official output_nc")
    c.data.update(load_size=int_option(o["load_size"], "official load_size"),
                  crop_size=int_option(o["crop_size"], "official crop_size"),
                  preprocess=choice_option(o["preprocess"], "official preprocess", PREPROCESS))
    c.export.height = c.export.width = o["crop_size"]
    return c


def _converter(model: str) -> OfficialConverter:
    def convert(files: Mapping[str, Path], given: Mapping[str, Any], output_dir: Path) -> Path:
        opts = merged_options(OFFICIAL_DEFAULTS[model], files.get(OPT_FILE), given, model)
        roles, paper = _ROLES[model], model
        if not all(_file(role) in files for role in roles):  # CycleGAN without G_B: one direction
            roles, paper = {"G_A": "generator"}, "pix2pix"
        config = run_config(paper, opts)  # bad options fail before any file is read
        check_no_checkpoints(output_dir)
        loads = {net: (load_state_dict(files[_file(role)]), load_generator) for role, net in roles.items()}
        weights = converted_weights(config, loads)
        manifest = {"model": model, "official_options": opts,
                    "checkpoints": {role: str(files[_file(role)]) for role in roles}}
        return write_run_folder(output_dir, weights, config, manifest)

    generator = {"pix2pix": "latest_net_G.pth",
                 "cyclegan": "latest_net_G_A.pth (A -> B) or a pretrained single-direction <name>.pth"}[model]
    files = [FileFlag(CHECKPOINT, generator, required=True),
             FileFlag(OPT_FILE, "the official run's train_opt.txt (its options; given flags must agree)")]
    if model == "cyclegan":
        files.insert(1, FileFlag(CHECKPOINT_B, "latest_net_G_B.pth (B -> A)"))
    options = {name: OptionFlag(default, _HELP[name]) for name, default in OFFICIAL_DEFAULTS[model].items()}
    return OfficialConverter(model, tuple(files), convert, options)


def _file(role: str) -> str:
    """The file flag of an official generator role."""
    return CHECKPOINT_B if role == "G_B" else CHECKPOINT


PIX2PIX = _converter("pix2pix")
CYCLEGAN = _converter("cyclegan")
