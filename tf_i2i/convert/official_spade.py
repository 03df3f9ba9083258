"""Official NVlabs/SPADE checkpoints (checkpoints/<name>/<epoch>_net_G.pth, _net_E.pth, _net_D.pth and
opt.txt) -> a tf_i2i run folder, so tools/translate.py and tools/export.py take a converted model
like a trained one.

Options: the official defaults (the train options with the default dataset_mode coco), then what
opt.txt records, then the given ones; config.json is configs/spade/default.py with the model, loss
and data fields they decide. netE is required with use_vae, netD is optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ml_collections

from tf_i2i.convert import spade
from tf_i2i.convert.model_networks import converted_weights
from tf_i2i.convert.official import (CHECKPOINT, CHECKPOINT_D, CHECKPOINT_E, OPT_FILE, FileFlag, OfficialConverter,
                                     option_flags)
from tf_i2i.convert.opt_file import merged_options
from tf_i2i.convert.option_checks import choice_option
from tf_i2i.convert.pth import load_state_dict
from tf_i2i.convert.run_folder import check_no_checkpoints, write_run_folder
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.data.config import PREPROCESS
from tf_i2i.registry import default_config

# dataset_mode coco (the official default) sets contain_dontcare_label, load_size, preprocess_mode;
# train_options.py the loss options.
OFFICIAL_OPTIONS = {**spade.OFFICIAL_DEFAULTS, "contain_dontcare_label": True, "load_size": 286,
                    "preprocess_mode": "resize_and_crop", "gan_mode": "hinge", "no_vgg_loss": False,
                    "lambda_feat": 10.0, "lambda_vgg": 10.0, "lambda_kld": 0.05}
GAN_MODES = {"hinge": "hinge", "ls": "lsgan", "original": "vanilla"}
_PREPROCESS = {"scale_shortside_and_crop": "scale_shorter_side_and_crop"}  # official name -> ours if it differs
DONTCARE = 255  # the official don't-care label id


def run_config(o: Mapping[str, Any]) -> ml_collections.ConfigDict:
    """configs/spade/default.py with every field the official options decide (model fields follow
    the data fields they reference)."""
    for key in spade.OFFICIAL_DEFAULTS:
        spade.option(o, key)  # type and supported-choice checks
    c = default_config("spade")
    c.data.update(num_classes=o["label_nc"], dontcare_label=DONTCARE if o["contain_dontcare_label"] else -1,
                  use_instance=not o["no_instance"], b_channels=o["output_nc"], crop_size=o["crop_size"],
                  aspect_ratio=o["aspect_ratio"], load_size=o["load_size"],
                  preprocess=choice_option(_PREPROCESS.get(o["preprocess_mode"], o["preprocess_mode"]),
                                           "official preprocess_mode", PREPROCESS))
    m = c.model
    m.generator.update(ngf=o["ngf"], norm_G=o["norm_G"], num_upsampling_layers=o["num_upsampling_layers"],
                       use_vae=o["use_vae"], z_dim=o["z_dim"])
    m.discriminator.update(ndf=o["ndf"], norm_D=o["norm_D"], num_D=o["num_D"], n_layers_D=o["n_layers_D"])
    m.encoder.norm_E = o["norm_E"]
    m.loss.update(gan_mode=GAN_MODES[choice_option(o["gan_mode"], "official gan_mode", GAN_MODES)],
                  gan_feat_loss=not o["no_ganFeat_loss"], vgg_loss=not o["no_vgg_loss"], lambda_feat=o["lambda_feat"],
                  lambda_vgg=o["lambda_vgg"], lambda_kld=o["lambda_kld"])
    return c


def _convert(files: Mapping[str, Path], given: Mapping[str, Any], output_dir: Path) -> Path:
    opts = merged_options(OFFICIAL_OPTIONS, files.get(OPT_FILE), given, "SPADE")
    config = run_config(opts)  # bad options fail before any file is read
    if opts["use_vae"] and CHECKPOINT_E not in files:
        raise ConversionError("with use_vae, netG takes netE's style code: give netE (<epoch>_net_E.pth) too")
    if CHECKPOINT_E in files and not opts["use_vae"]:
        raise ConversionError("netE exists only with use_vae: give --use_vae or leave out --checkpoint_e")
    check_no_checkpoints(output_dir)
    jobs = {"generator": (CHECKPOINT, spade.load_generator), "encoder": (CHECKPOINT_E, spade.load_encoder),
            "discriminator": (CHECKPOINT_D, spade.load_discriminator)}
    loads = {net: (load_state_dict(files[flag]), load) for net, (flag, load) in jobs.items() if flag in files}
    weights = converted_weights(config, loads, {"discriminator": spade.semantic_nc(opts) + opts["output_nc"]})
    manifest = {"model": "spade", "official_options": opts,
                "checkpoints": {net: str(files[flag]) for net, (flag, _) in jobs.items() if flag in files}}
    return write_run_folder(output_dir, weights, config, manifest)


CONVERTER = OfficialConverter(
    "spade",
    (FileFlag(CHECKPOINT, "<epoch>_net_G.pth (netG)", required=True),
     FileFlag(CHECKPOINT_E, "<epoch>_net_E.pth (netE; needed with --use_vae)"),
     FileFlag(CHECKPOINT_D, "<epoch>_net_D.pth (netD)"),
     FileFlag(OPT_FILE, "the official run's opt.txt (its options; given flags must agree)")),
    _convert, option_flags(OFFICIAL_OPTIONS, "official SPADE option (options/*.py; dataset_mode coco's defaults)"))
