"""Convert official pytorch-CycleGAN-and-pix2pix, NVIDIA/pix2pixHD, NVlabs/MUNIT and UNIT, HsinYingLee/DRIT
and MDMM checkpoints (no torch needed).

  python tools/convert.py --model=pix2pix --checkpoint=facades_label2photo/latest_net_G.pth --output=converted/facades
  python tools/convert.py --model=cyclegan --checkpoint=latest_net_G_A.pth
      --checkpoint_b=latest_net_G_B.pth --output=converted/horse2zebra
  python tools/convert.py --model=pix2pixhd --checkpoint=checkpoints/label2city/latest_net_G.pth
      [--checkpoint_e=checkpoints/label2city/latest_net_E.pth] [--checkpoint_d=checkpoints/label2city/latest_net_D.pth]
      --opt_file=checkpoints/label2city/opt.txt --output=runs/label2city
  python tools/convert.py --model=munit --checkpoint=outputs/edges2shoes/checkpoints/gen_01000000.pt
      [--checkpoint_d=outputs/edges2shoes/checkpoints/dis_01000000.pt] --official_config=configs/edges2shoes_folder.yaml
      --output=converted/edges2shoes   (--model=unit likewise, with a UNIT config)
  python tools/convert.py --model=drit --checkpoint=results/yosemite/01199.pth [--concat=0] [--input_dim_a=1]
      [--dis_scale=3 --dis_norm=None --dis_spectral_norm] --output=runs/yosemite
  python tools/convert.py --model=drit_md --checkpoint=results/weather/01199.pth [--num_domains=3]
      [--crop_size=216 --isDcontent --concat=0] --output=runs/weather

Give the same network options the official model was trained with, under their official names;
unset ones take the official defaults of --model (pix2pix: unet_256, batch norm, dropout;
cyclegan: resnet_9blocks, instance norm, no dropout; pix2pixhd: options/base_options.py and
train_options.py; drit: src/options.py; drit_md: MDMM options.py). pix2pixhd also reads them from
the run's opt.txt (--opt_file); an option given here must then agree with it. A checkpoint that
does not fit the options fails with the first official key that does not fit. Checkpoints:
.pth/.pt (zip or legacy torch.save format) or .npz (not drit/drit_md: theirs hold every network).

pix2pix/cyclegan write <output>/G.weights.h5 (pix2pix) or G_A.weights.h5 [+ G_B.weights.h5]
(cyclegan) and <output>/options.json, from which
tf_i2i.convert.official_checkpoint.load_converted_generators rebuilds the networks.
pix2pixhd writes a run folder (config.json, checkpoints/, options.json) for
tools/translate.py --workdir and tools/export.py --workdir; netE is required with
--instance_feat/--label_feat, netD is optional.
munit/unit read the networks' options from the official YAML config (gen:, dis:, input_dim_a/b) and
write gen_a/gen_b[/dis_a/dis_b].weights.h5 and options.json, from which
tf_i2i.convert.official_munit.load_converted_networks rebuilds the networks.
drit/drit_md read a DRIT.save / MD_multi.save checkpoint (every network, optimiser states, epoch)
and write a run folder like pix2pixhd: enc_c, enc_a, gen and the discriminators it holds (MDMM's
disContent only with --isDcontent). --dim/--mlp_dim are the widths the official code hard-codes
(64, 256); change them only for a checkpoint of edited official code.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from absl import app, flags  # noqa: E402

from tf_i2i.convert import cyclegan_pix2pix, pix2pixhd  # noqa: E402
from tf_i2i.convert.official_checkpoint import OFFICIAL_DEFAULTS, convert_generators  # noqa: E402
from tf_i2i.convert.official_drit import FAMILIES as DRIT_FAMILIES, WIDTH_DEFAULTS, convert_drit  # noqa: E402
from tf_i2i.convert.official_munit import MODELS as MUNIT_UNIT, convert_munit_unit  # noqa: E402
from tf_i2i.convert.official_pix2pixhd import OFFICIAL_OPTIONS, convert_pix2pixhd, official_options  # noqa: E402
from tf_i2i.convert.state_dict import ConversionError  # noqa: E402

PIX2PIXHD = "pix2pixhd"
_MODEL = flags.DEFINE_enum("model", None, sorted([*OFFICIAL_DEFAULTS, PIX2PIXHD, *MUNIT_UNIT, *DRIT_FAMILIES]),
                           "Official model the checkpoint is from (drit_md: MDMM, multi-domain DRIT++).")
_CHECKPOINT = flags.DEFINE_string(
    "checkpoint", None, "Generator checkpoint: pix2pix latest_net_G.pth; CycleGAN latest_net_G_A.pth "
    "(A -> B) or a pretrained single-direction <name>.pth; pix2pixHD latest_net_G.pth (netG); "
    "MUNIT/UNIT gen_<iter>.pt (both domains' generators); DRIT/MDMM the saved model "
    "(<result_dir>/<name>/<epoch>.pth: every network).")
_CHECKPOINT_B = flags.DEFINE_string("checkpoint_b", None, "CycleGAN only: latest_net_G_B.pth (B -> A).")
_CHECKPOINT_D = flags.DEFINE_string("checkpoint_d", None, "pix2pixHD: latest_net_D.pth (netD); MUNIT/UNIT: "
                                    "dis_<iter>.pt (both discriminators). Optional.")
_CHECKPOINT_E = flags.DEFINE_string("checkpoint_e", None,
                                    "pix2pixHD only: latest_net_E.pth (netE, needed with instance/label features).")
_OPT_FILE = flags.DEFINE_string("opt_file", None, "pix2pixHD only: the official run's opt.txt.")
_OFFICIAL_CONFIG = flags.DEFINE_string("official_config", None, "MUNIT/UNIT only (required): the official run's "
                                       "YAML config (gen:, dis:, input_dim_a, input_dim_b).")
_NETG = flags.DEFINE_enum("netG", None, sorted([*cyclegan_pix2pix.OFFICIAL_NETG, *pix2pixhd.OFFICIAL_NETG]),
                          "Generator; default unet_256 (pix2pix) / resnet_9blocks (cyclegan) / global (pix2pixhd).")
_NGF = flags.DEFINE_integer("ngf", 64, "Filters in the generator's first conv layer.")
_NORM = flags.DEFINE_enum("norm", None, sorted(cyclegan_pix2pix.OFFICIAL_NORMS),
                          "Normalisation; default batch (pix2pix) / instance (cyclegan, pix2pixhd).")
_NO_DROPOUT = flags.DEFINE_boolean("no_dropout", None,
                                   "No dropout in the generator; default false (pix2pix) / true (cyclegan).")
_INPUT_NC = flags.DEFINE_integer("input_nc", 3, "Channels of the A images (pix2pixHD: of RGB label maps).")
_OUTPUT_NC = flags.DEFINE_integer("output_nc", 3, "Channels of the B images.")
_OUTPUT = flags.DEFINE_string("output", None, "Directory to write (pix2pixhd, drit, drit_md: the run folder).")
_DIM = flags.DEFINE_integer("dim", WIDTH_DEFAULTS["dim"], "DRIT/MDMM only: the width the official code "
                            "hard-codes as 64 (content width 4 * dim).")
_MLP_DIM = flags.DEFINE_integer("mlp_dim", WIDTH_DEFAULTS["mlp_dim"], "DRIT/MDMM only: the MLP width the "
                                "official concat=0 generator hard-codes as 256.")
flags.mark_flags_as_required(["model", "checkpoint", "output"])

_SHARED = ("netG", "ngf", "norm", "input_nc", "output_nc")
_DEFINE = {bool: flags.DEFINE_boolean, int: flags.DEFINE_integer, float: flags.DEFINE_float, str: flags.DEFINE_string}
for _name, _default in OFFICIAL_OPTIONS.items():  # the other official pix2pixHD options, under their names
    if _name not in _SHARED:
        _DEFINE[type(_default)](_name, None, f"pix2pixHD only: official --{_name} (default {_default}).")
_DRIT_OPTIONS: dict[str, dict[str, object]] = {}  # official DRIT/MDMM option -> {model: official default}
for _model, _family in DRIT_FAMILIES.items():
    for _name, _default in _family.defaults.items():
        _DRIT_OPTIONS.setdefault(_name, {})[_model] = _default
for _name, _defaults in _DRIT_OPTIONS.items():  # under their official names too
    _default = next(iter(_defaults.values()))
    _DEFINE[type(_default)](_name, None, f"{'/'.join(_defaults)} only: official --{_name} (default "
                            f"{', '.join(sorted({str(d) for d in _defaults.values()}))}).")
_PIX2PIXHD_ONLY = ["checkpoint_e", "opt_file", *(k for k in OFFICIAL_OPTIONS if k not in _SHARED)]
_DRIT_ONLY = [*_DRIT_OPTIONS, "dim", "mlp_dim"]
_NOT_PIX2PIXHD = ["checkpoint_b", "no_dropout", "official_config", *_DRIT_ONLY]
_NOT_CYCLEGAN_PIX2PIX = [*_PIX2PIXHD_ONLY, "checkpoint_d", "official_config", *_DRIT_ONLY]
_NOT_MUNIT_UNIT = [*_PIX2PIXHD_ONLY, *_SHARED, "checkpoint_b", "no_dropout", *_DRIT_ONLY]
_NOT_DRIT = [*_PIX2PIXHD_ONLY, *_SHARED, "checkpoint_b", "checkpoint_d", "no_dropout", "official_config"]


def _foreign_flags(model: str) -> list[str]:
    """The flags that are not options of `model`."""
    if model in DRIT_FAMILIES:
        return [*_NOT_DRIT, *(n for n, models in _DRIT_OPTIONS.items() if model not in models)]
    return _NOT_PIX2PIXHD if model == PIX2PIXHD else _NOT_MUNIT_UNIT if model in MUNIT_UNIT else _NOT_CYCLEGAN_PIX2PIX


def _reject_present(names: list[str], model: str) -> None:
    given = [f"--{n}" for n in names if flags.FLAGS[n].present]
    if given:
        raise app.UsageError(f"not an option of --model={model}: {', '.join(given)}")


def _convert_pix2pixhd():
    given = {name: flags.FLAGS[name].value for name in OFFICIAL_OPTIONS if flags.FLAGS[name].present}
    opts = official_options(_OPT_FILE.value, **given)
    return convert_pix2pixhd(_CHECKPOINT.value, _OUTPUT.value, opts, checkpoint_d=_CHECKPOINT_D.value,
                             checkpoint_e=_CHECKPOINT_E.value)


def _convert_drit(model: str) -> Path:
    given = {name: flags.FLAGS[name].value for name in DRIT_FAMILIES[model].defaults if flags.FLAGS[name].present}
    return convert_drit(model, _CHECKPOINT.value, _OUTPUT.value, given, dim=_DIM.value, mlp_dim=_MLP_DIM.value)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    model = _MODEL.value
    _reject_present(_foreign_flags(model), model)
    if model in MUNIT_UNIT and not _OFFICIAL_CONFIG.present:
        raise app.UsageError(f"--model={model} needs --official_config (the run's YAML config)")
    try:
        if model == PIX2PIXHD:
            written = _convert_pix2pixhd()
        elif model in DRIT_FAMILIES:
            written = _convert_drit(model)
        elif model in MUNIT_UNIT:
            written = convert_munit_unit(model, _CHECKPOINT.value, _OFFICIAL_CONFIG.value, _OUTPUT.value,
                                         checkpoint_d=_CHECKPOINT_D.value)
        else:
            written = convert_generators(
                model, _CHECKPOINT.value, _OUTPUT.value, checkpoint_b=_CHECKPOINT_B.value,
                netG=_NETG.value, ngf=_NGF.value, norm=_NORM.value, no_dropout=_NO_DROPOUT.value,
                input_nc=_INPUT_NC.value, output_nc=_OUTPUT_NC.value)
    except ConversionError as e:
        sys.exit(f"convert: {e}")
    print(f"wrote {written}")


if __name__ == "__main__":
    app.run(main)
