"""Convert an official checkpoint (PyTorch, read without torch) into a run folder that
tools/translate.py --workdir and tools/export.py --workdir take like a trained run.

  python tools/convert.py --model=pix2pix --checkpoint=facades_label2photo/latest_net_G.pth \
      [--opt_file=checkpoints/facades/train_opt.txt] --output=runs/facades
  python tools/convert.py --model=cyclegan --checkpoint=latest_net_G_A.pth --checkpoint_b=latest_net_G_B.pth \
      --output=runs/horse2zebra
  python tools/convert.py --model=pix2pixhd --checkpoint=checkpoints/label2city/latest_net_G.pth \
      [--checkpoint_e=.../latest_net_E.pth] [--checkpoint_d=.../latest_net_D.pth] \
      --opt_file=checkpoints/label2city/opt.txt --output=runs/label2city
  python tools/convert.py --model=spade --checkpoint=checkpoints/coco_pretrained/latest_net_G.pth \
      --opt_file=checkpoints/coco_pretrained/opt.txt --output=runs/coco
  python tools/convert.py --model=munit --checkpoint=outputs/edges2shoes/checkpoints/gen_01000000.pt \
      [--checkpoint_d=.../dis_01000000.pt] --official_config=configs/edges2shoes_folder.yaml \
      --output=runs/edges2shoes   (--model=unit likewise, with a UNIT config)
  python tools/convert.py --model=drit --checkpoint=results/yosemite/01199.pth [--concat=0] --output=runs/yosemite
  python tools/convert.py --model=drit_md --checkpoint=results/weather/01199.pth [--num_domains=3] --output=runs/weather

--model is any registered paper with a converter (its spec's `converter`); every other flag is
declared by the converters: checkpoint files, the official option file, and the official options
that shape the networks, under their official names. An option left unset is the chosen paper's
official default (or what its option file records; a given option must agree with the file). A
flag the chosen paper does not take is an error, and so is a checkpoint that does not fit the
options (the first official key that does not fit, with the expected and the found shape).
Checkpoints: .pth/.pt (zip or legacy torch.save format), or .npz of the same keys where a file
holds one state_dict. A missing file, a non-numeric .npz array, or an entry larger than the file
holds for it or than --max_entry_mb (default 2048) is an error naming it. A failed or killed
conversion leaves no output folder.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

from absl import app, flags  # noqa: E402

from tf_i2i import cli  # noqa: E402
from tf_i2i.convert.official import OfficialConverter, OptionFlag  # noqa: E402
from tf_i2i.convert.pth import DEFAULT_MAX_ENTRY_BYTES, entry_limit  # noqa: E402
from tf_i2i.registry import specs  # noqa: E402

CONVERTERS: dict[str, OfficialConverter] = {
    name: spec.load_converter() for name, spec in specs().items() if spec.converter is not None}
_DEFINE = {bool: flags.DEFINE_boolean, int: flags.DEFINE_integer, float: flags.DEFINE_float, str: flags.DEFINE_string}

_MODEL = flags.DEFINE_enum("model", None, list(CONVERTERS), "Paper the official checkpoint is from.")
_OUTPUT = flags.DEFINE_string("output", None, "Run folder to write (it must not hold checkpoints).")
_MAX_ENTRY_MB = flags.DEFINE_integer("max_entry_mb", DEFAULT_MAX_ENTRY_BYTES >> 20, "Refuse a checkpoint entry "
                                     "(tensor, storage or .npz array) larger than this many MiB.", lower_bound=1)
flags.mark_flags_as_required(["model", "output"])


def _define_file_flags() -> list[str]:
    """One string flag per file name any converter declares; help names the papers."""
    helps: dict[str, list[str]] = {}
    for model, converter in CONVERTERS.items():
        for f in converter.files:
            helps.setdefault(f.name, []).append(f"[{model}{', required' if f.required else ''}] {f.help}")
    for name, lines in helps.items():
        flags.DEFINE_string(name, None, " ".join(lines))
    return list(helps)


def _define_option_flags() -> list[str]:
    """One flag per official option name over all converters (default None: the paper's default)."""
    declared: dict[str, dict[str, OptionFlag]] = {}
    for model, converter in CONVERTERS.items():
        for name, option in converter.options.items():
            declared.setdefault(name, {})[model] = option
    for name, by_model in declared.items():
        types = {option.type for option in by_model.values()}
        if len(types) != 1:
            raise TypeError(f"official option {name} has different types in {sorted(by_model)}: {types}")
        helps = sorted({option.help for option in by_model.values()})
        defaults = ", ".join(f"{model} {option.default}" for model, option in by_model.items())
        _DEFINE[types.pop()](name, None, f"{'; '.join(helps)}. Default: {defaults}.")
    return list(declared)


FILE_FLAGS = _define_file_flags()
OPTION_FLAGS = _define_option_flags()


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    files = {name: flags.FLAGS[name].value for name in FILE_FLAGS if flags.FLAGS[name].present}
    given = {name: flags.FLAGS[name].value for name in OPTION_FLAGS if flags.FLAGS[name].present}
    with entry_limit(_MAX_ENTRY_MB.value << 20):
        written = CONVERTERS[_MODEL.value].run(files, given, _OUTPUT.value)
    print(f"wrote {written}")


if __name__ == "__main__":
    cli.run(main)
