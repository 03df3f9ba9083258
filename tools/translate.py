"""Translate images or label maps with a trained generator, from a run's checkpoint or from an
exported SavedModel; the same tool and the same flags for every paper.

  python tools/translate.py --input=photos/ --output=out/ --workdir=runs/p2p
  python tools/translate.py --input=a.jpg --output=out/ --saved_model=runs/cg/export --endpoint=serve_b2a

The paper comes from RUN/config.json (--workdir) or the export_info.json next to the SavedModel
(--saved_model), and its TranslateSpec (tf_i2i/models/<paper>/spec.py) says what applies: a flag
the model does not take (--style on CycleGAN, --clusters on SPADE, --domain on MUNIT, --instance
on an image model, --endpoint=serve_b2a on pix2pix) is an error. Writes OUTPUT/<stem>.png per input
(PNG/JPEG/BMP/GIF/WebP; a folder is read non-recursively); pictures are converted to the
generator's channel count.

A bad input (unreadable, corrupt, label ids out of range, ...) is reported with its path and reason
and skipped; the others are written, a summary line counts the failures and the exit code is 2
(--fail_fast stops at the first instead). Label ids >= the model's class count (not its dontcare
id) are such an error, or with --out_of_range_labels=ignore the dontcare id where the model has one
(docs/translating.md).

Sizes follow the official test scripts (tf_i2i/export/preprocess.py): each input is resized by the
run's data.preprocess with data.load_size/crop_size (scale_width 1024: a 2048x1024 map becomes
1024x512; resize_and_crop: crop_size square, no crop; scale_shorter_side_and_crop: shorter side
load_size, no crop), rounded to the generator's size multiple, and the output written at that size.
--output_size=input writes it back at the input's size; --preprocess=none skips the run's
preprocessing (only the rounding to a multiple). SPADE makes one size (crop_size x crop_size /
aspect_ratio) whatever the preprocessing.

Label-map models (pix2pixHD, SPADE) read label maps (8- or 16-bit PNGs of class ids) and, when the
model uses them, instance maps (--instance: a file or a folder, matched by stem less a Cityscapes
suffix such as _labelIds). --input may be a data set root: its test_label/ (test_inst/), else its
val_label/ (val_inst/: COCO-Stuff, ADE20K in the labels layout).

  python tools/translate.py --workdir=runs/p2phd --input=labels/ --instance=insts/ --output=out/ \
      [--clusters=FILE] [--cluster=0|random] [--instance_cluster=26001:2,24003:0] [--variants=4]
  python tools/translate.py --saved_model=runs/spade/export --input=datasets/coco_stuff --output=out/

pix2pixHD (clusters mode): with a feature encoder every class takes centre --cluster (an index,
wrapping modulo the class's count, or random seeded by --seed) and every instance named in
--instance_cluster the given one; --variants=N writes <stem>_v<i>.png with centre index + i (or new
random picks). Clusters come from --clusters, else RUN/feature_clusters.npz (checkpoint mode) or the
table baked into the export by tools/export.py --clusters; without any, the features are zero.

Models with codes (SPADE with use_vae, MUNIT, DRIT, multi-domain DRIT++) take a code per output:
--variants=N draws N codes from N(0, I) (seeded by --seed, the same for every input:
<stem>_v<i>.png); one output without --style has a random code; --style=ref.png copies a
reference's code (a picture of the target domain; DRIT: at least 16 px a side); --style=a.png,b.png
--interpolate=K writes K outputs from a's code to b's (<stem>_i<k>.png). --endpoint=serve_b2a
translates B -> A (CycleGAN, UNIT, MUNIT, DRIT). Multi-domain DRIT++ translates to --domain (its
id: the data folder {split}A is 0, {split}B 1, ...), which it requires.

  python tools/translate.py --workdir=runs/munit --input=edges/ --output=out/ --variants=4 --seed=0
  python tools/translate.py --saved_model=runs/drit/export --input=winter/ --output=out/ \
      --endpoint=serve_b2a --style=s1.png,s2.png --interpolate=5
  python tools/translate.py --workdir=runs/drit_md --input=day/ --output=out/ --domain=2 --style=dusk.png

INIT takes MUNIT's flags (global codes) and, with --boxes=FILE (the input picture's boxes: INIT annotation
text, CSV or an instance-id map; one picture), renders each box with its own code (tf_i2i/export/
instance_choice.py): random background and object codes (--variants), a reference's (--style=REF
--style_boxes=REF_BOXES; boxes matched by class and order, or --box_map=0:2,1:0), or --restyle=1,3: the
same codes twice but new ones for boxes 1 and 3 (<stem>.png, <stem>_restyled.png). It also writes
<stem>_boxes.png, the input with its boxes outlined; the log lists them by index.

  python tools/translate.py --workdir=runs/init --input=street.png --boxes=street.txt --output=out/ --restyle=0

Video models (vid2vid) translate a whole video, one frame per label frame, each made from the last
n_frames_G label frames and the frames made before it: --input is a folder of label frames (sorted
by name; --instance a folder of their instance maps), a video of label pictures (label_nc 0), or
with --edges=canny the real frames (a folder or a video) whose Canny edge maps (the run's
thresholds) are the input. Writes OUTPUT/<stem>.png per frame (a video's: <name>_00000.png, ...)
and OUTPUT/<name>.mp4 at --fps (default: the input video's, else 24). The first n_frames_G - 1
frames come from --first_frame: real (--real_frames, or the input's own frames with --edges),
single_g (--single_g_workdir: a pix2pixHD run folder or export translates those label frames) or
zeros (frame 0 made from the labels alone; for runs trained with no_first_img, the default there).
A bad frame is reported with its path and the video is refused before any frame is generated.

  python tools/translate.py --workdir=runs/v2v --input=labels/seq0/ --real_frames=frames/seq0/ --output=out/
  python tools/translate.py --saved_model=runs/v2v_edges/export --input=clip.mp4 --edges=canny --output=out/
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from absl import app, flags, logging  # noqa: E402

from tf_i2i import cli  # noqa: E402
from tf_i2i.export.cluster_choice import RANDOM  # noqa: E402
from tf_i2i.export.label_ids import ERROR, IGNORE, OUT_OF_RANGE_LABELS  # noqa: E402
from tf_i2i.data.video.edges import EDGE_MODES  # noqa: E402
from tf_i2i.export.options import FIRST_FRAMES, OUTPUT_SIZES, PREPROCESS_MODES, TranslateOptions  # noqa: E402
from tf_i2i.export.served import served_from_saved_model, served_from_workdir  # noqa: E402
from tf_i2i.export.translate import find_samples, make_translator, translate_files  # noqa: E402
from tf_i2i.export.video_translate import read_video_input, translate_video  # noqa: E402
from tf_i2i.models.serving.errors import ExportInputError  # noqa: E402
from tf_i2i.models.spec import VIDEO  # noqa: E402

_INPUT = flags.DEFINE_string("input", None, "An image or label map, a folder of them, or (label-map models) a data "
                             "set root with test_label/ or val_label/.")
_OUTPUT = flags.DEFINE_string("output", None, "Folder for the translated PNGs (created if missing).")
_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder: use its newest checkpoint.")
_SAVED_MODEL = flags.DEFINE_string("saved_model", None,
                                   "Exported SavedModel folder (RUN/export/saved_model) or RUN/export.")
_ENDPOINT = flags.DEFINE_string("endpoint", "serve", "serve (A->B), or serve_b2a (B->A) where the model has it "
                                "(CycleGAN, UNIT, MUNIT, DRIT).")
_PREPROCESS = flags.DEFINE_enum("preprocess", "run", PREPROCESS_MODES,
                                "run: resize inputs as the run's data.preprocess does at test time; none: keep "
                                "their size (both then round to the generator's size multiple).")
_OUTPUT_SIZE = flags.DEFINE_enum("output_size", "model", OUTPUT_SIZES,
                                 "model: write outputs at the size the generator made; input: at the input's size.")
_DOMAIN = flags.DEFINE_integer("domain", None, "Multi-domain DRIT++ only (and required): the target domain's id, "
                               "0..num_domains-1 (data folder {split}A is 0, {split}B 1, ...).")
_INSTANCE = flags.DEFINE_string("instance", None, "Label-map models that use instance maps: an instance map or a "
                                "folder of them (same stems).")
_CLUSTERS = flags.DEFINE_string("clusters", None, "pix2pixHD: feature clusters file (tools/encode_features.py).")
_CLUSTER = flags.DEFINE_string("cluster", None, f"pix2pixHD: cluster index for every class (default 0), or {RANDOM}.")
_INSTANCE_CLUSTER = flags.DEFINE_list("instance_cluster", [], "pix2pixHD: ID:K,... cluster K for instance ID.")
_VARIANTS = flags.DEFINE_integer("variants", None, "Outputs per input (default 1), each with other clusters "
                                 "(pix2pixHD) or another random code (SPADE, MUNIT, DRIT).")
_SEED = flags.DEFINE_integer("seed", None, "Seed of the random codes or of --cluster=random (default 0).")
_STYLE = flags.DEFINE_list("style", [], "SPADE, MUNIT, DRIT: a picture (of the target domain) whose code to copy, "
                           "or two (a.png,b.png) with --interpolate.")
_INTERPOLATE = flags.DEFINE_integer("interpolate", None, "SPADE, MUNIT, DRIT: N outputs along the line between the "
                                    "two --style pictures' codes, both ends included.")
_FAIL_FAST = flags.DEFINE_bool("fail_fast", False, "Stop at the first input that cannot be translated; by default "
                               "each bad input is reported (path and reason) and skipped, and the exit code is 2 "
                               "if any failed.")
_OUT_OF_RANGE_LABELS = flags.DEFINE_enum(
    "out_of_range_labels", ERROR, OUT_OF_RANGE_LABELS, "Label-map models: a label id >= the model's class count "
    f"(not its dontcare id) is an error for that file ({ERROR}), or {IGNORE}: mapped to the model's dontcare id "
    "(unlabeled) with a warning; a model without a dontcare id refuses the file either way.")
_EDGES = flags.DEFINE_enum("edges", "", EDGE_MODES, "Video models trained on edge maps: canny makes the input "
                           "frames the Canny edges (the run's thresholds) of --input's real frames.")
_FIRST_FRAME = flags.DEFINE_enum("first_frame", None, FIRST_FRAMES, "Video models: where the first n_frames_G - 1 "
                                 "frames come from (default: zeros for a run trained with no_first_img, else real).")
_REAL_FRAMES = flags.DEFINE_string("real_frames", None, "Video models, --first_frame=real: a folder of the real "
                                   "frames (or a video); with --edges the input's own frames are used.")
_SINGLE_G_WORKDIR = flags.DEFINE_string("single_g_workdir", None, "Video models, --first_frame=single_g: a pix2pixHD "
                                        "run folder or export that makes the first frames from their label maps.")
_FPS = flags.DEFINE_float("fps", None, "Video models: frame rate of the .mp4 (default: the input video's, else 24).")
_BOXES = flags.DEFINE_string("boxes", None, "INIT: the input picture's boxes (INIT annotation .txt, .csv, or an "
                             "instance-id map .png); each box is rendered with its own code. Without it: global codes.")
_STYLE_BOXES = flags.DEFINE_string("style_boxes", None, "INIT, with --boxes and --style: the reference's boxes, "
                                   "whose codes the input's boxes take.")
_BOX_MAP = flags.DEFINE_list("box_map", [], "INIT: INPUT:REFERENCE box indices (0:2,1:0) instead of matching the "
                             "input's boxes to the reference's by class and order.")
_RESTYLE = flags.DEFINE_list("restyle", [], "INIT: box indices (1,3) that take new codes (the reference's with "
                             "--style) in <stem>_restyled.png, the rest as in <stem>.png.")
flags.mark_flags_as_required(["input", "output"])
flags.mark_flags_as_mutual_exclusive(["workdir", "saved_model"], required=True)


class _Progress:
    """One stderr line rewritten in place ('translated 12/40 name.png'); skipped inputs are listed
    on lines of their own ('skipped <path>: <reason>')."""

    def __init__(self):
        self.total = 0  # set once the inputs are listed
        self.shown = 0
        self.failed: list[Path] = []

    def __call__(self, done: int, path: Path) -> None:
        line = f"translated {done}/{self.total} {path.name}"
        sys.stderr.write("\r" + line.ljust(self.shown))
        sys.stderr.flush()
        self.shown = len(line)

    def skipped(self, path: Path, reason: str) -> None:
        self.end_line()
        sys.stderr.write(f"skipped: {reason}\n")
        sys.stderr.flush()
        self.failed.append(path)

    def end_line(self) -> None:
        """Ends a half-written progress line so the next message starts on its own line."""
        if self.shown:
            sys.stderr.write("\n")
            self.shown = 0


def _options() -> TranslateOptions:
    return TranslateOptions(
        endpoint=_ENDPOINT.value, instance=_INSTANCE.value, domain=_DOMAIN.value, variants=_VARIANTS.value,
        seed=_SEED.value, style=tuple(_STYLE.value), interpolate=_INTERPOLATE.value, clusters=_CLUSTERS.value,
        cluster=_CLUSTER.value, instance_cluster=tuple(_INSTANCE_CLUSTER.value), preprocess=_PREPROCESS.value,
        output_size=_OUTPUT_SIZE.value, out_of_range_labels=_OUT_OF_RANGE_LABELS.value, edges=_EDGES.value,
        first_frame=_FIRST_FRAME.value, real_frames=_REAL_FRAMES.value, single_g_workdir=_SINGLE_G_WORKDIR.value,
        fps=_FPS.value, boxes=_BOXES.value, style_boxes=_STYLE_BOXES.value, box_map=tuple(_BOX_MAP.value),
        restyle=tuple(_RESTYLE.value))


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    progress = _Progress()
    on_failed = None if _FAIL_FAST.value else progress.skipped
    try:
        model = served_from_workdir(_WORKDIR.value) if _WORKDIR.value else served_from_saved_model(_SAVED_MODEL.value)
        options = _options()
        translator = make_translator(model, options)
        if model.translate.inputs == VIDEO:
            video = read_video_input(translator, model, _INPUT.value, _INSTANCE.value, options, on_failed)
            progress.total = len(video) + 1  # the frames and the .mp4
            written = translate_video(translator, video, options, _OUTPUT.value, on_done=progress)
            progress.end_line()
            logging.info("translated %d frames: wrote %d files to %s", len(video), len(written), _OUTPUT.value)
            return
        samples = find_samples(translator, _INPUT.value, _INSTANCE.value)
        progress.total = len(samples) * translator.files_per_input
        written = translate_files(translator, samples, _OUTPUT.value, on_done=progress, on_failed=on_failed)
    finally:
        progress.end_line()
    summary = f"translated {len(samples) - len(progress.failed)} of {len(samples)} files"
    if progress.failed:
        raise ExportInputError(f"{summary}; {len(progress.failed)} failed (listed above)")
    logging.info("%s: wrote %d images to %s", summary, len(written), _OUTPUT.value)


if __name__ == "__main__":
    cli.run(main)
