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
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from absl import app, flags, logging  # noqa: E402

from tf_i2i.export import ExportInputError  # noqa: E402
from tf_i2i.export.images import list_inputs  # noqa: E402
from tf_i2i.export.translation import (RESIZE_MODES, translate_files, translator_from_saved_model,  # noqa: E402
                                       translator_from_workdir)

_INPUT = flags.DEFINE_string("input", None, "An image file or a folder of images.")
_OUTPUT = flags.DEFINE_string("output", None, "Folder for the translated PNGs (created if missing).")
_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder: use its newest checkpoint.")
_SAVED_MODEL = flags.DEFINE_string("saved_model", None,
                                   "Exported SavedModel folder (RUN/export/saved_model) or RUN/export.")
_ENDPOINT = flags.DEFINE_string("endpoint", "serve", "serve (A->B), or serve_b2a (B->A) for CycleGAN.")
_RESIZE = flags.DEFINE_enum("resize", "multiple", RESIZE_MODES,
                            "multiple: resize to the nearest valid size and back; none: refuse other sizes.")
flags.mark_flags_as_required(["input", "output"])
flags.mark_flags_as_mutual_exclusive(["workdir", "saved_model"], required=True)


class _Progress:
    """One stderr line rewritten in place ('translated 12/40 name.png'), ended by a newline."""

    def __init__(self, total: int):
        self.total = total
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


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    progress = None
    try:
        files = list_inputs(_INPUT.value)
        if _WORKDIR.value:
            translator = translator_from_workdir(_WORKDIR.value, _ENDPOINT.value)
        else:
            translator = translator_from_saved_model(_SAVED_MODEL.value, _ENDPOINT.value)
        progress = _Progress(len(files))
        translate_files(translator, files, _OUTPUT.value, _RESIZE.value, on_done=progress)
    except ExportInputError as err:
        if progress is not None:
            progress.interrupt()
        logging.set_verbosity(logging.ERROR)  # TF warns per value of a checkpoint that did not fit
        sys.exit(f"translate: {err}")
    logging.info("wrote %d images to %s", len(files), _OUTPUT.value)


if __name__ == "__main__":
    app.run(main)
