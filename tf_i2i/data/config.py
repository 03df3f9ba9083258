"""Defaults and sanity checks for the ``data`` section of a model config.

Model configs start from :func:`default_data_config` and override fields, so every field
has a default here and nowhere else.
"""

from __future__ import annotations

import string

import ml_collections
import tensorflow as tf

from tf_i2i.data.errors import DatasetError
from tf_i2i.data.synthetic_street import NUM_CLASSES as SYNTHETIC_NUM_CLASSES

LAYOUTS = ("aligned", "paired_folders", "unpaired", "domains", "boxes", "labels", "ade20k", "cityscapes", "video")
# Layouts of N domain folders ({split}A, {split}B, ...); boxes (INIT) adds per-image object boxes.
DOMAIN_LAYOUTS = ("domains", "boxes")
BOX_FORMATS = ("txt", "csv", "instance")
# Folder suffixes of the domains layout (MDMM): domain d reads {split}A, {split}B, ... in this order.
DOMAIN_LETTERS = string.ascii_uppercase
# Layouts whose elements are label (+ instance) maps and photos; the last two are the official
# ADE20K and Cityscapes release trees, read from folders only (see files_release.py).
LABEL_LAYOUTS = ("labels", "ade20k", "cityscapes")
RELEASE_LAYOUTS = ("ade20k", "cityscapes")
# Layouts whose label input may be class ids or RGB pictures (num_classes 0); video is vid2vid's sequences.
LABEL_INPUT_LAYOUTS = (*LABEL_LAYOUTS, "video")
VIDEO_FLOWS = ("dis", "files", "none")
FLOW_PRESETS = ("ultrafast", "fast", "medium")
EDGES = ("", "canny")
PREPROCESS = ("resize_and_crop", "crop", "scale_width_and_crop", "scale_width", "scale_shorter_side_and_crop",
              "resize", "fixed", "none")
DIRECTIONS = ("AtoB", "BtoA")
# Preprocess modes that end in a random crop_size x crop_size crop.
CROPPING = ("resize_and_crop", "crop", "scale_width_and_crop", "scale_shorter_side_and_crop")


def default_data_config() -> ml_collections.ConfigDict:
    """Return the data config every model starts from: the built-in synthetic street scenes."""
    cfg = ml_collections.ConfigDict()
    cfg.source = "synthetic"  # "synthetic", a folder path, or "tfds:<name>"
    cfg.layout = "aligned"
    cfg.direction = "AtoB"
    cfg.load_size = 286
    cfg.crop_size = 256
    cfg.preprocess = "resize_and_crop"
    cfg.aspect_ratio = 1.0  # width / height of preprocess "fixed" (SPADE's aspect_ratio; Cityscapes 2)
    cfg.flip = True
    cfg.a_channels = 3
    cfg.b_channels = 3
    cfg.num_domains = 3  # domains: how many domain folders ({split}A, {split}B, ...); all have a_channels
    cfg.num_classes = SYNTHETIC_NUM_CLASSES  # labels: 0 = the label folder holds RGB pictures (pix2pixHD label_nc 0)
    cfg.dontcare_label = -1
    cfg.use_instance = False
    cfg.use_image = True  # labels: False reads only label (and instance) maps, for inference (official test phase)
    cfg.strict = False  # True: a symbolic link to nothing (broken, or a loop) in a data folder is an error, not a warning
    cfg.synthetic = ml_collections.ConfigDict(
        {
            "num_images": 256,
            "image_size": 256,
            "seed": 0,
            "signs": False,  # True: traffic signs in every scene (label pole; boxes class 2); False keeps the scenes
            "looks": (),  # domains, boxes: one look per domain, e.g. ("day", "night_instances"); () = the first ones
        }
    )
    cfg.tfds = ml_collections.ConfigDict(
        {
            "data_dir": "",  # "" = TFDS default (~/tensorflow_datasets)
            "download": False,  # True lets TFDS download and prepare the data set
            "a_split": "{split}A",  # unpaired: TFDS split of domain A ({split} = build_dataset's split)
            "b_split": "{split}B",
            "a_key": "image",  # feature holding A (aligned: the A|B image)
            "b_key": "image",
            "label_key": "segmentation_mask",
            "instance_key": "",
            "image_key": "image",
        }
    )
    cfg.video = default_video_config()
    cfg.boxes = default_boxes_config()
    cfg.num_parallel_calls = tf.data.AUTOTUNE
    cfg.shuffle_buffer = 1000  # TFDS examples only; file lists are always shuffled in full
    return cfg


def default_video_config() -> ml_collections.ConfigDict:
    """The ``data.video`` section of layout "video" (vid2vid; names as the official options)."""
    return ml_collections.ConfigDict(
        {
            "n_frames_G": 3,  # frames the generator sees (the current one and n_frames_G - 1 previous)
            "n_frames_D": 3,  # frames of the temporal discriminators; flow_t{s} skips n_frames_D**s frames
            "n_scales_temporal": 2,  # temporal discriminators: "flow_t{s}" for s = 1 .. n_scales_temporal - 1
            "n_frames_total": 30,  # frames generated per sequence at the start of training
            "max_frames_per_step": 1,  # new frames per chunk (official max_frames_per_gpu)
            "max_t_step": 1,  # sampled frames are t_step in [1, max_t_step] original frames apart
            "niter_step": 0,  # train steps after which the sequence length doubles; 0 = never
            "flow": "dis",  # reference flow: "dis" (OpenCV DIS, cached), "files" (<split>_flow/), "none" (zeros)
            "flow_preset": "medium",  # DIS preset: ultrafast | fast | medium
            "edges": "",  # "canny": the label input is the Canny edge map of each frame (num_classes 0)
            "canny_low": 100,  # Canny hysteresis thresholds (0-255)
            "canny_high": 200,
            "synthetic": {"num_sequences": 8, "n_frames": 30, "image_size": (128, 256)},
        }
    )


def default_boxes_config() -> ml_collections.ConfigDict:
    """The ``data.boxes`` section of layout "boxes" (INIT's object boxes; see docs/datasets.md)."""
    return ml_collections.ConfigDict(
        {
            "max_boxes": 8,  # boxes per image (padded, with a validity mask); more: the largest are kept
            "min_size": 4.0,  # pixels: a box narrower or lower than this after the crop is dropped
            "min_visible": 0.5,  # a box of which less than this fraction of its area stays in the crop is dropped
            "format": "txt",  # folders: {split}A_boxes/<stem>.txt (INIT text), .csv, or "instance" (.png id maps)
            "classes": (1, 2, 3),  # box class ids txt/csv files may use (INIT: 1 car, 2 sign, 3 person)
            "instance_classes": ((26, 1), (24, 3)),  # "instance": (label class, box class); Cityscapes car, person
            "pair": (),  # (a, b): elements pair a picture of domain a with one of b, each with its boxes (INIT)
            "unboxed_domains": (),  # folders: domain ids without box files (e.g. GTA frames); their images have none
        }
    )


def with_defaults(cfg: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
    """``cfg`` with the default of every field it lacks, so a run folder's config.json written before
    a field existed still builds (cfg's own values keep their types: bench gives image_size as (h, w))."""
    full = ml_collections.ConfigDict(cfg.to_dict())
    _fill(full, default_data_config())
    return full


def _fill(cfg: ml_collections.ConfigDict, defaults: ml_collections.ConfigDict) -> None:
    """Add the fields of ``defaults`` that ``cfg`` lacks, descending into sections ``cfg`` has."""
    for key, value in defaults.items():
        if key not in cfg:
            cfg[key] = value
        elif isinstance(value, ml_collections.ConfigDict) and isinstance(cfg[key], ml_collections.ConfigDict):
            _fill(cfg[key], value)


def rgb_labels(cfg: ml_collections.ConfigDict) -> bool:
    """labels or video layout with num_classes 0: the input is an RGB picture, not class ids (pix2pixHD and
    vid2vid label_nc 0)."""
    return cfg.layout in ("labels", "video") and cfg.num_classes == 0


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise DatasetError(message)


def check_data_config(cfg: ml_collections.ConfigDict) -> None:
    """Reject impossible settings with a message naming the field, before any file is read."""
    _require(cfg.layout in LAYOUTS, f"data.layout must be one of {LAYOUTS}, got {cfg.layout!r}")
    _require(cfg.direction in DIRECTIONS, f"data.direction must be one of {DIRECTIONS}, got {cfg.direction!r}")
    _require(cfg.preprocess in PREPROCESS, f"data.preprocess must be one of {PREPROCESS}, got {cfg.preprocess!r}")
    for field in ("a_channels", "b_channels"):
        _require(cfg[field] in (1, 3), f"data.{field} must be 1 or 3, got {cfg[field]!r}")
    _require(cfg.crop_size > 0, f"data.crop_size must be positive, got {cfg.crop_size}")
    if cfg.preprocess in ("resize_and_crop", "scale_width_and_crop", "scale_shorter_side_and_crop"):
        _require(
            cfg.load_size >= cfg.crop_size,
            f"data.load_size ({cfg.load_size}) must be >= data.crop_size ({cfg.crop_size}) "
            f"for preprocess={cfg.preprocess!r}",
        )
    if cfg.preprocess == "scale_width":
        _require(cfg.load_size > 0, f"data.load_size must be positive, got {cfg.load_size}")
    if cfg.preprocess == "fixed":
        _require(cfg.aspect_ratio > 0, f"data.aspect_ratio must be positive, got {cfg.aspect_ratio}")
    if cfg.layout in DOMAIN_LAYOUTS:
        _require(
            2 <= cfg.num_domains <= len(DOMAIN_LETTERS),
            f"data.num_domains must be 2..{len(DOMAIN_LETTERS)} (one folder {{split}}A, {{split}}B, ... each), "
            f"got {cfg.num_domains!r}",
        )
        _require(
            not cfg.source.startswith("tfds:"),
            f"data.layout {cfg.layout!r} reads folders ({{split}}A, {{split}}B, ...) or the synthetic set only; "
            f"data.source {cfg.source!r} is a TFDS source",
        )
    if cfg.layout in RELEASE_LAYOUTS:
        _require(
            cfg.source not in ("synthetic", "") and not cfg.source.startswith("tfds:"),
            f"data.layout {cfg.layout!r} is a folder tree; data.source must be its root folder, got {cfg.source!r}",
        )
        _require(cfg.num_classes > 0, f"data.layout {cfg.layout!r} holds class ids; data.num_classes must be > 0")
    if cfg.layout == "ade20k":
        _require(
            cfg.dontcare_label == 255,
            "data.layout 'ade20k' turns unlabeled pixels (stored 0) into the dontcare id 255; "
            "set data.dontcare_label=255",
        )
        _require(not cfg.use_instance, "data.layout 'ade20k' has no instance maps; set data.use_instance=False")
    if cfg.layout in LABEL_INPUT_LAYOUTS:
        _require(cfg.num_classes >= 0, f"data.num_classes must be >= 0 (0 = RGB label pictures), got {cfg.num_classes}")
        _require(cfg.dontcare_label >= -1, f"data.dontcare_label must be -1 (none) or an id, got {cfg.dontcare_label}")
        _require(
            cfg.num_classes > 0 or cfg.dontcare_label == -1,
            "data.dontcare_label needs class ids; it cannot be used with num_classes 0 (RGB label pictures)",
        )
    if cfg.layout == "video":
        _check_video(cfg)
    if cfg.layout == "boxes":
        _check_boxes(cfg)
    _require(cfg.shuffle_buffer > 0, f"data.shuffle_buffer must be positive, got {cfg.shuffle_buffer}")


def _check_video(cfg: ml_collections.ConfigDict) -> None:
    v = cfg.video
    _require(not cfg.source.startswith("tfds:"),
             f"data.layout 'video' reads sequence folders, video files or the synthetic video; "
             f"data.source {cfg.source!r} is a TFDS source")
    _require(cfg.use_image, "data.layout 'video' trains on the frames; data.use_image must be True")
    _require(v.n_frames_G >= 2, f"data.video.n_frames_G must be >= 2 (the current frame and a previous one), "
                                f"got {v.n_frames_G}")
    _require(v.n_frames_D >= 2, f"data.video.n_frames_D must be >= 2, got {v.n_frames_D}")
    _require(v.n_scales_temporal >= 1, f"data.video.n_scales_temporal must be >= 1, got {v.n_scales_temporal}")
    _require(v.max_frames_per_step >= 1, f"data.video.max_frames_per_step must be >= 1, got {v.max_frames_per_step}")
    _require(
        v.n_frames_total >= v.max_frames_per_step,
        f"data.video.n_frames_total ({v.n_frames_total}) must be >= data.video.max_frames_per_step "
        f"({v.max_frames_per_step}): every step generates max_frames_per_step frames",
    )
    _require(v.max_t_step >= 1, f"data.video.max_t_step must be >= 1, got {v.max_t_step}")
    _require(v.niter_step >= 0, f"data.video.niter_step must be >= 0 (0 = the length never grows), got {v.niter_step}")
    _require(v.flow in VIDEO_FLOWS, f"data.video.flow must be one of {VIDEO_FLOWS}, got {v.flow!r}")
    _require(v.flow_preset in FLOW_PRESETS,
             f"data.video.flow_preset must be one of {FLOW_PRESETS}, got {v.flow_preset!r}")
    _require(v.edges in EDGES, f"data.video.edges must be one of {EDGES}, got {v.edges!r}")
    if v.edges:
        _require(cfg.num_classes == 0, "data.video.edges makes the label input an edge picture; "
                                       f"set data.num_classes=0 (got {cfg.num_classes})")
        _require(0 <= v.canny_low <= v.canny_high <= 255,
                 f"data.video.canny_low <= canny_high must lie in 0..255, got {v.canny_low}, {v.canny_high}")


def _check_boxes(cfg: ml_collections.ConfigDict) -> None:
    b = cfg.boxes
    _require(all(0 <= d < cfg.num_domains for d in b.unboxed_domains),
             f"data.boxes.unboxed_domains must hold domain ids 0..{cfg.num_domains - 1}, got {b.unboxed_domains}")
    _require(cfg.source != "synthetic" or not b.unboxed_domains,
             "data.boxes.unboxed_domains is for folders; the synthetic set has boxes in every domain")
    _require(not b.pair or (len(b.pair) == 2 and b.pair[0] != b.pair[1]
                            and all(0 <= d < cfg.num_domains for d in b.pair)),
             f"data.boxes.pair must be () or two different domain ids 0..{cfg.num_domains - 1}, got {b.pair}")
    _require(b.max_boxes >= 1, f"data.boxes.max_boxes must be >= 1, got {b.max_boxes}")
    _require(b.min_size >= 0, f"data.boxes.min_size must be >= 0 (pixels), got {b.min_size}")
    _require(0 <= b.min_visible <= 1, f"data.boxes.min_visible must lie in 0..1, got {b.min_visible}")
    _require(b.format in BOX_FORMATS, f"data.boxes.format must be one of {BOX_FORMATS}, got {b.format!r}")
