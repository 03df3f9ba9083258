"""tools/translate.py's choices, and which of them a paper accepts (its TranslateSpec).

A choice that does not apply to the model is an error, not ignored: --style on CycleGAN would
otherwise write plain translations that look like a style transfer that failed. None (or empty)
means the flag was not given.
"""

from __future__ import annotations

import dataclasses

from tf_i2i.data.video.edges import EDGE_MODES
from tf_i2i.export.label_ids import ERROR, OUT_OF_RANGE_LABELS
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.spec import BOXES, CLUSTERS, DOMAIN, INTERPOLATE, LABELS, STYLE, VARIANTS, VIDEO, TranslateSpec

PREPROCESS_MODES = ("run", "none")  # the run's inference preprocessing (tf_i2i.export.preprocess), or none
OUTPUT_SIZES = ("model", "input")   # write at the size the generator made, or back at the input's
# Where a video's first n_frames_G - 1 frames (the first previous frames) come from: the real frames,
# zeros (the first frame made from the labels alone, official --no_first_img), or a single-image model
# (official --use_single_G). See tf_i2i/export/video_translate.py.
REAL, ZEROS, SINGLE_G = "real", "zeros", "single_g"
FIRST_FRAMES = (REAL, ZEROS, SINGLE_G)


@dataclasses.dataclass(frozen=True)
class TranslateOptions:
    """The flags of tools/translate.py beyond --input/--output and the model source."""

    endpoint: str = "serve"
    instance: str | None = None
    domain: int | None = None
    variants: int | None = None
    seed: int | None = None
    style: tuple[str, ...] = ()
    interpolate: int | None = None
    clusters: str | None = None
    cluster: str | None = None
    instance_cluster: tuple[str, ...] = ()
    preprocess: str = "run"
    output_size: str = "model"
    out_of_range_labels: str = ERROR
    edges: str = ""
    first_frame: str | None = None
    real_frames: str | None = None
    single_g_workdir: str | None = None
    fps: float | None = None
    boxes: str | None = None
    style_boxes: str | None = None
    box_map: tuple[str, ...] = ()
    restyle: tuple[str, ...] = ()


# flag -> the modes of which one must be declared for it to apply
_NEEDS = {"variants": (VARIANTS,), "seed": (VARIANTS, CLUSTERS), "style": (STYLE,), "interpolate": (INTERPOLATE,),
          "clusters": (CLUSTERS,), "cluster": (CLUSTERS,), "instance_cluster": (CLUSTERS,), "domain": (DOMAIN,),
          "boxes": (BOXES,), "style_boxes": (BOXES,), "box_map": (BOXES,), "restyle": (BOXES,)}
_BOX_FLAGS = ("style_boxes", "box_map", "restyle")  # flags that need --boxes
_VIDEO_FLAGS = ("edges", "first_frame", "real_frames", "single_g_workdir", "fps")  # VIDEO papers only


def check_options(options: TranslateOptions, paper: str, spec: TranslateSpec) -> None:
    """Raises ExportInputError naming the first flag that does not apply to `paper` (what the model
    itself lacks, a SPADE without a style encoder say, is checked against its endpoints later)."""
    modes = ", ".join(spec.modes) or "none"
    for flag, needs in _NEEDS.items():
        if getattr(options, flag) not in (None, ()) and not set(needs) & set(spec.modes):
            raise ExportInputError(f"--{flag} does not apply to {paper} (its translate modes: {modes})")
    given = [f"--{flag}" for flag in _BOX_FLAGS if getattr(options, flag) not in (None, ())]
    if given and options.boxes is None:
        raise ExportInputError(f"{', '.join(given)} need the input picture's boxes (--boxes)")
    if options.instance is not None and spec.inputs not in (LABELS, VIDEO):
        raise ExportInputError(f"--instance does not apply to {paper}: it translates pictures, not label maps")
    for flag in _VIDEO_FLAGS:
        if spec.inputs != VIDEO and getattr(options, flag) not in (None, ""):
            raise ExportInputError(f"--{flag} does not apply to {paper}: it translates single {spec.inputs}, "
                                   "not videos")
    if options.edges not in EDGE_MODES or options.first_frame not in (None, *FIRST_FRAMES):
        raise ExportInputError(f"--edges must be one of {EDGE_MODES} and --first_frame one of {FIRST_FRAMES}, "
                               f"got {options.edges!r} and {options.first_frame!r}")
    if options.fps is not None and not options.fps > 0:
        raise ExportInputError(f"--fps must be positive, got {options.fps}")
    if options.endpoint not in spec.directions:
        raise ExportInputError(f"--endpoint={options.endpoint} does not apply to {paper}: it translates with "
                               f"--endpoint {' or '.join(spec.directions)}")
    if options.preprocess not in PREPROCESS_MODES or options.output_size not in OUTPUT_SIZES:
        raise ExportInputError(f"--preprocess must be one of {PREPROCESS_MODES} and --output_size one of "
                               f"{OUTPUT_SIZES}, got {options.preprocess!r} and {options.output_size!r}")
    if options.out_of_range_labels not in OUT_OF_RANGE_LABELS:
        raise ExportInputError(f"--out_of_range_labels must be one of {OUT_OF_RANGE_LABELS}, "
                               f"got {options.out_of_range_labels!r}")
