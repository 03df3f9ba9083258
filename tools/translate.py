"""Translate images with a trained generator, from a run's checkpoint or from an exported SavedModel.

  python tools/translate.py --input=photos/ --output=out/ --workdir=runs/p2p
  python tools/translate.py --input=a.jpg --output=out/ --saved_model=runs/cg/export/saved_model \
      --endpoint=serve_b2a

Writes OUTPUT/<stem>.png per input (PNG/JPEG/BMP/GIF/WebP; a folder is read non-recursively).
Images are converted to the generator's channel count. --resize=multiple (default) resizes an
image whose height or width is not a multiple of the generator's size multiple to the nearest
valid size and the result back to the input size; --resize=none refuses such images instead.
The SavedModel mode uses the uint8 endpoint and reads the size multiple from the
export_info.json next to the SavedModel folder.

pix2pixHD runs and exports translate label maps (8- or 16-bit PNGs of class ids) instead:

  python tools/translate.py --workdir=runs/p2phd --input=labels/ --instance=insts/ --output=out/ \
      [--clusters=FILE] [--cluster=0|random] [--instance_cluster=26001:2,24003:0] [--variants=4]
  python tools/translate.py --saved_model=runs/p2phd/export --input=datasets/cityscapes --output=out/

--input may be a data set root (its test_label/, with test_inst/ as the instance maps).
Instance maps are matched to label maps by file stem (less a Cityscapes suffix such as _labelIds). With a feature encoder, every class takes
cluster --cluster (an index, wrapping modulo the class's count, or random) and every instance
named in --instance_cluster the given one; --variants=N writes <stem>_v<i>.png with cluster
index + i (or new random picks). Clusters come from --clusters, else RUN/feature_clusters.npz
(checkpoint mode) or the table baked into the export by tools/export.py --clusters; without any,
the features are zero.

SPADE runs and exports take label maps (+ --instance maps) the same way, and a style code z each
(with use_vae):

  python tools/translate.py --workdir=runs/spade --input=labels/ --instance=insts/ --output=out/ \
      [--variants=4 --seed=0]                       # random styles: OUTPUT/<stem>_v<i>.png
  python tools/translate.py --saved_model=runs/spade/export --input=datasets/x --output=out/ \
      --style=photo.png                             # that photo's style
  python tools/translate.py --workdir=runs/spade --input=label.png --instance=inst.png --output=out/ \
      --style=a.png,b.png --interpolate=5           # 5 looks from a's style to b's: <stem>_i<k>.png

--variants=N draws N codes from N(0, I) (seeded by --seed, the same N for every input); one output
without --style also has a random code. The generator makes one size (config crop_size x
crop_size / aspect_ratio): label and instance maps of another size are resized to it by nearest
neighbour and the outputs are written at that size.

MUNIT and DRIT runs and exports translate images with a code of the target domain (MUNIT's style
code, DRIT's attribute code), the same flags choosing it (--style takes reference pictures of the
target domain, at least 16 px a side for DRIT); --endpoint=serve_b2a translates B -> A, and
--resize works as for other images:

  python tools/translate.py --workdir=runs/munit --input=edges/ --output=out/ --variants=4 --seed=0
  python tools/translate.py --saved_model=runs/drit/export --input=summer/ --output=out/ --style=winter.png
  python tools/translate.py --workdir=runs/drit --input=winter/ --output=out/ --endpoint=serve_b2a \
      --style=s1.png,s2.png --interpolate=5

Multi-domain DRIT++ (drit_md) runs and exports translate images of any domain to the one named by
--domain (its id: the data folder {split}A is 0, {split}B 1, ...), with the same flags; --style
takes pictures of that domain:

  python tools/translate.py --workdir=runs/drit_md --input=day/ --output=out/ --domain=1 --variants=4
  python tools/translate.py --saved_model=runs/drit_md/export --input=day/ --output=out/ --domain=2 \
      --style=dusk.png
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

import functools  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from absl import app, flags, logging  # noqa: E402

from tf_i2i.export import ExportInputError  # noqa: E402
from tf_i2i.export.code_translation import (code_translator_from_saved_model,  # noqa: E402
                                            code_translator_from_workdir, styled_translators)
from tf_i2i.export.images import list_inputs  # noqa: E402
from tf_i2i.export.info import read_info  # noqa: E402
from tf_i2i.export.label_translation import (RANDOM, label_files, label_translator_from_saved_model,  # noqa: E402
                                             label_translator_from_workdir, parse_instance_clusters,
                                             translate_label_files)
from tf_i2i.export.spade_translation import (spade_translator_from_saved_model,  # noqa: E402
                                             spade_translator_from_workdir, translate_spade_files)
from tf_i2i.export.style_codes import style_codes  # noqa: E402
from tf_i2i.export.translation import (RESIZE_MODES, saved_model_folder, translate_files,  # noqa: E402
                                       translator_from_saved_model, translator_from_workdir)
from tf_i2i.export.workdir import load_run_config  # noqa: E402
from tf_i2i.models.drit.endpoints import CODE_ENDPOINT as DRIT_CODE_ENDPOINT  # noqa: E402
from tf_i2i.models.munit.endpoints import CODE_ENDPOINT as MUNIT_CODE_ENDPOINT  # noqa: E402

_INPUT = flags.DEFINE_string("input", None, "An image file or a folder of images; label maps (or a data set root) "
                              "for pix2pixHD and SPADE. SPADE label maps of another size than the generator's "
                              "output are resized to it by nearest neighbour, and the outputs written at that size.")
_OUTPUT = flags.DEFINE_string("output", None, "Folder for the translated PNGs (created if missing).")
_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder: use its newest checkpoint.")
_SAVED_MODEL = flags.DEFINE_string("saved_model", None,
                                   "Exported SavedModel folder (RUN/export/saved_model) or RUN/export.")
_ENDPOINT = flags.DEFINE_string("endpoint", "serve", "serve (A->B), or serve_b2a (B->A) for CycleGAN, UNIT, MUNIT "
                                 "and DRIT; multi-domain DRIT++ takes serve only (the target is --domain).")
_DOMAIN = flags.DEFINE_integer("domain", None, "Multi-domain DRIT++ (required for it, refused by MUNIT and DRIT): "
                               "the target domain's id, 0..num_domains-1 (data folder {split}A is 0, {split}B 1, "
                               "...).")
_RESIZE = flags.DEFINE_enum("resize", "multiple", RESIZE_MODES,
                            "multiple: resize to the nearest valid size and back; none: refuse other sizes.")
_INSTANCE = flags.DEFINE_string("instance", None,
                                 "pix2pixHD, SPADE: an instance map or a folder of them (same stems).")
_CLUSTERS = flags.DEFINE_string("clusters", None, "pix2pixHD: feature clusters file (tools/encode_features.py).")
_CLUSTER = flags.DEFINE_string("cluster", "0", f"pix2pixHD: cluster index for every class, or {RANDOM}.")
_INSTANCE_CLUSTER = flags.DEFINE_list("instance_cluster", [], "pix2pixHD: ID:K,... cluster K for instance ID.")
_VARIANTS = flags.DEFINE_integer("variants", 1, "pix2pixHD, SPADE, MUNIT, DRIT (also multi-domain): outputs per "
                                 "input, each with other clusters (pix2pixHD) or another random style (SPADE, "
                                 "MUNIT) or attribute (DRIT) code.")
_SEED = flags.DEFINE_integer("seed", 0, "pix2pixHD: seed of --cluster=random; SPADE, MUNIT, DRIT (also "
                             "multi-domain): of the random codes.")
_STYLE = flags.DEFINE_list("style", [], "SPADE, MUNIT, DRIT (also multi-domain): a picture (MUNIT, DRIT: of the "
                           "target domain, the --domain one for multi-domain DRIT++) whose style or attribute to "
                           "copy, or two (a.png,b.png) with --interpolate.")
_INTERPOLATE = flags.DEFINE_integer("interpolate", 0, "SPADE, MUNIT, DRIT (also multi-domain): N outputs along the "
                                    "line between the two --style pictures' codes, both ends included.")
flags.mark_flags_as_required(["input", "output"])
flags.mark_flags_as_mutual_exclusive(["workdir", "saved_model"], required=True)


class _Progress:
    """One stderr line rewritten in place ('translated 12/40 name.png'), ended by a newline."""

    def __init__(self):
        self.total = 0  # set once the inputs are listed
        self.shown = 0

    def __call__(self, done: int, path: Path) -> None:
        line = f"translated {done}/{self.total} {path.name}"
        sys.stderr.write("\r" + line.ljust(self.shown) + ("\n" if done == self.total else ""))
        sys.stderr.flush()
        self.shown = len(line)

    def interrupt(self) -> None:
        """Ends a half-written progress line so an error message starts on its own line."""
        if self.shown:
            sys.stderr.write("\n")


def _model_name() -> str:
    """The run's model name (pix2pix, cyclegan, pix2pixhd, spade, munit, drit, ...) from config.json or
    export_info.json (which names the class: mdmm for drit_md)."""
    if _WORKDIR.value:
        return load_run_config(_WORKDIR.value).model.name
    return read_info(saved_model_folder(_SAVED_MODEL.value))["model"].lower()


def _restored(from_workdir, from_saved_model, *args):
    """The translator of the --workdir checkpoint or of the --saved_model export (same arguments)."""
    return from_workdir(_WORKDIR.value, *args) if _WORKDIR.value else from_saved_model(_SAVED_MODEL.value, *args)


def _translate_labels(progress: _Progress) -> None:
    """pix2pixHD mode: label maps (+ instance maps) -> images, with cluster choices."""
    files, instances = label_files(_INPUT.value, _INSTANCE.value)
    translator = _restored(label_translator_from_workdir, label_translator_from_saved_model, _CLUSTERS.value)
    progress.total = len(files) * _VARIANTS.value
    translate_label_files(translator, files, instances, _OUTPUT.value, _CLUSTER.value,
                          parse_instance_clusters(_INSTANCE_CLUSTER.value), _VARIANTS.value, _SEED.value,
                          _RESIZE.value, on_done=progress)


def _translate_styles(progress: _Progress) -> None:
    """SPADE mode: label maps (+ instance maps) -> images in random, copied or interpolated styles."""
    files, instances = label_files(_INPUT.value, _INSTANCE.value)
    translator = _restored(spade_translator_from_workdir, spade_translator_from_saved_model)
    codes = style_codes(translator, _VARIANTS.value, _STYLE.value, _INTERPOLATE.value, _SEED.value)
    progress.total = len(files) * len(codes)
    translate_spade_files(translator, files, instances, _OUTPUT.value, codes, on_done=progress)


def _translate_codes(code_endpoint: str, progress: _Progress) -> None:
    """MUNIT, DRIT and multi-domain DRIT++ mode: images -> images of the target domain (the other one,
    or --domain's) with random, copied or interpolated codes of that domain; `code_endpoint` is the
    model's (style_code, attribute_code)."""
    files = list_inputs(_INPUT.value)
    translator = _restored(code_translator_from_workdir, code_translator_from_saved_model, code_endpoint,
                           _ENDPOINT.value, _DOMAIN.value)
    codes = style_codes(translator, _VARIANTS.value, _STYLE.value, _INTERPOLATE.value, _SEED.value)
    progress.total = len(files) * len(codes)
    translate_files(styled_translators(translator, codes), files, _OUTPUT.value, _RESIZE.value, on_done=progress)


def _translate_images(progress: _Progress) -> None:
    files = list_inputs(_INPUT.value)
    translator = _restored(translator_from_workdir, translator_from_saved_model, _ENDPOINT.value)
    progress.total = len(files)
    translate_files(translator, files, _OUTPUT.value, _RESIZE.value, on_done=progress)


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    progress = _Progress()
    try:
        drit = functools.partial(_translate_codes, DRIT_CODE_ENDPOINT)  # MDMM's: DRIT's + a domain input
        modes = {"pix2pixhd": _translate_labels, "spade": _translate_styles,
                 "munit": functools.partial(_translate_codes, MUNIT_CODE_ENDPOINT),
                 "drit": drit, "drit_md": drit, "mdmm": drit}  # an export names drit_md by its class, MDMM
        modes.get(_model_name(), _translate_images)(progress)
    except ExportInputError as err:
        progress.interrupt()
        logging.set_verbosity(logging.ERROR)  # TF warns per value of a checkpoint that did not fit
        sys.exit(f"translate: {err}")
    logging.info("wrote %d images to %s", progress.total, _OUTPUT.value)


if __name__ == "__main__":
    app.run(main)
