"""Official NVIDIA/pix2pixHD checkpoints (checkpoints/<name>/<epoch>_net_G.pth, _net_D.pth, _net_E.pth
and opt.txt) -> a tf_i2i run folder, so tools/translate.py and tools/export.py take a converted model
like a trained one.

Run folder (tf_i2i.convert.run_folder): config.json (configs/pix2pixhd/default.py with the model
fields set from the official options), checkpoints/ckpt-0 with the weights saved as training saves
them (network_weights: "generator", "encoder", "discriminator"), and options.json recording the
official options and the source files. It also serves a local stage's load_pretrain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import keras
import ml_collections

from tf_i2i.convert.official import (CHECKPOINT, CHECKPOINT_D, CHECKPOINT_E, OPT_FILE, FileFlag, OfficialConverter,
                                     option_flags)
from tf_i2i.convert.opt_file import merged_options
from tf_i2i.nets.weights import weights_by_path
from tf_i2i.convert.pix2pixhd import (OFFICIAL_DEFAULTS, build_discriminator_from_official,
                                      build_encoder_from_official, build_generator_from_official,
                                      load_discriminator, load_encoder, load_generator, option, uses_features)
from tf_i2i.convert.pth import load_state_dict
from tf_i2i.convert.run_folder import check_no_checkpoints, write_run_folder
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.registry import default_config

# Official train options that set our loss config but not the networks (train_options.py defaults).
OFFICIAL_LOSS_DEFAULTS = dict(no_vgg_loss=False, lambda_feat=10.0, pool_size=0, n_clusters=10)
OFFICIAL_OPTIONS = {**OFFICIAL_DEFAULTS, **OFFICIAL_LOSS_DEFAULTS}


def official_options(opt_file: str | Path | None = None, **given) -> dict[str, Any]:
    """Official defaults, then what opt.txt records, then `given` (command-line options; one that
    contradicts opt.txt is an error), type- and choice-checked before any checkpoint is read."""
    opts = merged_options(OFFICIAL_OPTIONS, opt_file, given, "pix2pixHD")
    for key in OFFICIAL_DEFAULTS:
        option(opts, key)
    return opts


def run_config(opts: Mapping[str, Any]) -> ml_collections.ConfigDict:
    """configs/pix2pixhd/default.py with every model field the official options decide.

    Data, schedule and export fields keep their defaults (Cityscapes at 1024x512)."""
    c = default_config("pix2pixhd")
    c.data.num_classes = opts["label_nc"]        # model.label_nc follows (a config reference)
    c.data.a_channels = opts["input_nc"]
    c.data.b_channels = opts["output_nc"]
    c.data.use_instance = not opts["no_instance"]
    c.train.stage = opts["netG"]                 # model.stage follows
    m = c.model
    m.generator.update({k: opts[k] for k in m.generator.keys()})
    m.discriminator.update({k: opts[k] for k in m.discriminator.keys()})
    m.encoder.update({k: opts[k] for k in m.encoder.keys()})
    m.pool_size = opts["pool_size"]
    m.loss.update(gan_mode="vanilla" if opts["no_lsgan"] else "lsgan", gan_feat_loss=not opts["no_ganFeat_loss"],
                  vgg_loss=not opts["no_vgg_loss"], lambda_feat=opts["lambda_feat"], lambda_vgg=opts["lambda_feat"])
    return c


def _load(checkpoint: str | Path, build: Callable, load: Callable, opts: Mapping[str, Any], name: str) -> keras.Model:
    net = build(opts, name=name)
    sd = load_state_dict(checkpoint)
    load(net, sd)
    sd.check_all_used()
    return net


def convert_pix2pixhd(checkpoint: str | Path, output_dir: str | Path, opts: Mapping[str, Any],
                      checkpoint_d: str | Path | None = None, checkpoint_e: str | Path | None = None) -> Path:
    """Converts netG (and netE, netD) into the run folder `output_dir`; returns its config.json path.

    netE is required when the options use features (netG then takes feat_num more channels);
    netD is optional (inference and export do not need it)."""
    if uses_features(opts) and checkpoint_e is None:
        raise ConversionError("with instance_feat or label_feat, netG takes netE's features: give netE "
                              "(<epoch>_net_E.pth) too")
    check_no_checkpoints(output_dir)
    jobs = {"generator": (checkpoint, build_generator_from_official, load_generator, "netG"),
            "encoder": (checkpoint_e, build_encoder_from_official, load_encoder, "netE"),
            "discriminator": (checkpoint_d, build_discriminator_from_official, load_discriminator, "netD")}
    nets, sources = {}, {}
    for name, (path, build, load, official) in jobs.items():
        if path is not None:
            nets[name] = _load(path, build, load, opts, name)
            sources[official] = str(path)
    return write_run_folder(output_dir, {name: weights_by_path(net) for name, net in nets.items()}, run_config(opts),
                            {"model": "pix2pixhd", "official_options": dict(opts), "checkpoints": sources})


def _convert(files: Mapping[str, Path], given: Mapping[str, Any], output_dir: Path) -> Path:
    return convert_pix2pixhd(files[CHECKPOINT], output_dir, official_options(files.get(OPT_FILE), **given),
                             checkpoint_d=files.get(CHECKPOINT_D), checkpoint_e=files.get(CHECKPOINT_E))


CONVERTER = OfficialConverter(
    "pix2pixhd",
    (FileFlag(CHECKPOINT, "<epoch>_net_G.pth (netG)", required=True),
     FileFlag(CHECKPOINT_E, "<epoch>_net_E.pth (netE; needed with --instance_feat/--label_feat)"),
     FileFlag(CHECKPOINT_D, "<epoch>_net_D.pth (netD)"),
     FileFlag(OPT_FILE, "the official run's opt.txt (its options; given flags must agree)")),
    _convert, option_flags(OFFICIAL_OPTIONS, "official pix2pixHD option (options/base_options.py, train_options.py)"))
