"""Official pix2pix / CycleGAN generator checkpoints -> Keras weights files plus the official options
that rebuild the network, so inference and export can use a converted model without torch.

Output directory: `<role>.weights.h5` per generator and `options.json`
{"model": ..., "generators": {role: {"weights": file, "official_options": {...}, "checkpoint": path}}}.
Roles are the official names: pix2pix `G`; CycleGAN `G_A` (A -> B) and optionally `G_B` (B -> A).
"""

from __future__ import annotations

import json
from pathlib import Path

import keras

from tf_i2i.convert.cyclegan_pix2pix import build_generator_from_official, load_generator
from tf_i2i.convert.pth import load_state_dict
from tf_i2i.convert.state_dict import ConversionError

# Official base_options defaults after each model's parser.set_defaults (pix2pix: unet_256 with
# batch norm and dropout; CycleGAN: resnet_9blocks, instance norm, no_dropout=True).
OFFICIAL_DEFAULTS = {
    "pix2pix": dict(netG="unet_256", ngf=64, norm="batch", no_dropout=False, input_nc=3, output_nc=3),
    "cyclegan": dict(netG="resnet_9blocks", ngf=64, norm="instance", no_dropout=True, input_nc=3, output_nc=3),
}
OPTIONS_FILE = "options.json"


def generator_options(model: str, **overrides) -> dict:
    """define_G options for `model` from the official command-line options (None = official default)."""
    if model not in OFFICIAL_DEFAULTS:
        raise ConversionError(f"unknown model {model!r}; expected one of {sorted(OFFICIAL_DEFAULTS)}")
    unknown = sorted(set(overrides) - set(OFFICIAL_DEFAULTS[model]))
    if unknown:
        raise ConversionError(f"unknown option(s) {unknown}; known: {sorted(OFFICIAL_DEFAULTS[model])}")
    o = {**OFFICIAL_DEFAULTS[model], **{k: v for k, v in overrides.items() if v is not None}}
    return dict(input_nc=o["input_nc"], output_nc=o["output_nc"], ngf=o["ngf"], netG=o["netG"],
                norm=o["norm"], use_dropout=not o["no_dropout"])


def _load_official_generator(checkpoint: str | Path, options: dict, role: str) -> keras.Model:
    net = build_generator_from_official(options, name=role)
    sd = load_state_dict(checkpoint)
    load_generator(net, sd)
    sd.check_all_used()
    return net


def convert_generators(model: str, checkpoint: str | Path, output_dir: str | Path,
                       checkpoint_b: str | Path | None = None, **options) -> Path:
    """Converts the generator checkpoint(s) into `output_dir`; returns the options.json path.

    `checkpoint_b` is CycleGAN's G_B, built like G_A with input_nc and output_nc swapped.
    """
    opts = generator_options(model, **options)
    jobs = {"G_A" if model == "cyclegan" else "G": (checkpoint, opts)}
    if checkpoint_b is not None:
        if model != "cyclegan":
            raise ConversionError("checkpoint_b (G_B) only exists for CycleGAN")
        jobs["G_B"] = (checkpoint_b, {**opts, "input_nc": opts["output_nc"], "output_nc": opts["input_nc"]})
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    generators = {}
    for role, (path, role_opts) in jobs.items():
        net = _load_official_generator(path, role_opts, role)
        weights = f"{role}.weights.h5"
        net.save_weights(out / weights)
        generators[role] = {"weights": weights, "official_options": role_opts, "checkpoint": str(path)}
    manifest = out / OPTIONS_FILE
    manifest.write_text(json.dumps({"model": model, "generators": generators}, indent=1) + "\n")
    return manifest


def load_converted_generators(output_dir: str | Path) -> dict[str, keras.Model]:
    """The generators a convert_generators run wrote, by official role name, weights loaded."""
    out = Path(output_dir)
    manifest = json.loads((out / OPTIONS_FILE).read_text())
    if "generators" not in manifest:
        raise ConversionError(f"{out} is a converted {manifest['model']} run folder: give it to "
                              "tools/translate.py or tools/export.py as --workdir")
    nets = {}
    for role, entry in manifest["generators"].items():
        net = build_generator_from_official(entry["official_options"], name=role)
        net.load_weights(out / entry["weights"])
        nets[role] = net
    return nets
