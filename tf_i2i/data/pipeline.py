"""build_dataset: config -> validated source -> parallel decode + augmentation -> batches."""

from __future__ import annotations

import ml_collections
import tensorflow as tf

from tf_i2i.data.augment import augment
from tf_i2i.data.boxes.transform import clip_boxes
from tf_i2i.data.config import LABEL_LAYOUTS, check_data_config, with_defaults
from tf_i2i.data.decode import match_channels, to_float
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.label_parts import label_parts
from tf_i2i.data.source import Source


def _make_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    if cfg.source == "synthetic" and cfg.layout == "boxes":
        from tf_i2i.data.boxes.synthetic_source import synthetic_box_source

        return synthetic_box_source(cfg, split)
    if cfg.source == "synthetic":
        from tf_i2i.data.synthetic import synthetic_source

        return synthetic_source(cfg, split)
    if cfg.source.startswith("tfds:"):
        from tf_i2i.data.tfds_source import tfds_source

        return tfds_source(cfg, split)
    from tf_i2i.data.folder_source import folder_source

    return folder_source(cfg, split)


def _seed(seed: int, salt: int, index: tf.Tensor) -> tf.Tensor:
    """Stateless seed of one element (and one stream of it, ``salt``)."""
    return tf.random.experimental.stateless_fold_in(tf.constant([seed, salt], tf.int64), index)


def make_element(
    raw: dict[str, tf.Tensor], index: tf.Tensor, cfg: ml_collections.ConfigDict, seed: int
) -> dict[str, tf.Tensor]:
    """Raw decoded parts -> the element dict models see (see build_dataset)."""
    if cfg.layout in LABEL_LAYOUTS:
        return augment(label_parts(raw, cfg), cfg, _seed(seed, 0, index))
    if cfg.layout == "boxes":  # INIT: boxes follow the image's crop and flip, then are clipped or dropped
        image = match_channels(to_float(raw["image"]), cfg.a_channels)
        moved = augment({"image": image, "boxes": raw["boxes"]}, cfg, _seed(seed, 0, index), boxes=("boxes",))
        size = tf.shape(moved["image"])
        element = clip_boxes({**raw, "boxes": moved["boxes"]}, size[0], size[1], cfg.boxes.min_visible,
                             cfg.boxes.min_size)
        return {**element, "image": moved["image"], "domain": tf.cast(raw["domain"], tf.int32)}
    if cfg.layout == "domains":  # the model turns the domain id into MDMM's one-hot code c_org
        image = match_channels(to_float(raw["image"]), cfg.a_channels)
        return {"image": augment({"image": image}, cfg, _seed(seed, 0, index))["image"],
                "domain": tf.cast(raw["domain"], tf.int32)}
    a, b = (raw["B"], raw["A"]) if cfg.direction == "BtoA" else (raw["A"], raw["B"])
    a = match_channels(to_float(a), cfg.a_channels)
    b = match_channels(to_float(b), cfg.b_channels)
    if cfg.layout == "unpaired":  # unrelated pictures, possibly of different sizes: independent crops
        return {
            "A": augment({"A": a}, cfg, _seed(seed, 1, index))["A"],
            "B": augment({"B": b}, cfg, _seed(seed, 2, index))["B"],
        }
    return augment({"A": a, "B": b}, cfg, _seed(seed, 0, index))


def _domain_pairs(source: Source, cfg: ml_collections.ConfigDict, seed: int, shuffle: bool, repeat: bool,
                  deterministic: bool) -> tf.data.Dataset:
    """Elements {"A", "A_boxes", "A_box_classes", "A_box_valid", "B", "B_..."}: a picture of domain
    boxes.pair[0] beside one of boxes.pair[1], each with its boxes (INIT trains one pair of domains).

    Each side is the boxes element stream kept to its domain; the sides take element numbers 2k and
    2k + 1, so their crops and flips are drawn independently."""

    def side(domain: int, prefix: str, parity: int) -> tf.data.Dataset:
        records = source.records(seed, shuffle, repeat).filter(lambda r: tf.equal(r["domain"], domain))

        def element(index: tf.Tensor, record: dict) -> dict:
            e = make_element(source.load(record), 2 * index + parity, cfg, seed)
            return {prefix: e["image"], **{f"{prefix}_{key}": e[key] for key in ("boxes", "box_classes", "box_valid")}}

        return records.enumerate().map(element, num_parallel_calls=cfg.num_parallel_calls,
                                       deterministic=deterministic)

    a, b = cfg.boxes.pair
    return tf.data.Dataset.zip(side(a, "A", 0), side(b, "B", 1)).map(lambda x, y: {**x, **y})


def build_dataset(
    cfg: ml_collections.ConfigDict,
    *,
    split: str = "train",
    batch_size: int,
    seed: int = 0,
    deterministic: bool = False,
    shuffle: bool = True,
    repeat: bool = True,
    drop_remainder: bool = True,
    first_step: int = 0,
) -> tf.data.Dataset:
    """Batches of training elements from the ``data`` config ``cfg`` (start from default_data_config()).

    Elements (before batching): ``{"A", "B"}`` float32 [H, W, a_channels / b_channels] in [-1, 1]
    for aligned, paired_folders and unpaired. For domains (MDMM): ``"image"`` float32
    [H, W, a_channels] in [-1, 1] of a uniformly drawn domain and ``"domain"`` int32 [] its id
    (0 = {split}A, 1 = {split}B, ...). For boxes (INIT) the same plus, per image, ``"boxes"`` float32
    [max_boxes, 4] (y1, x1, y2, x2) normalised to the element's image, ``"box_classes"`` int32
    [max_boxes] and ``"box_valid"`` bool [max_boxes] (padding rows zero; see tf_i2i.data.boxes); with
    ``boxes.pair`` (a, b) instead ``"A"`` a picture of domain a with ``"A_boxes"``, ``"A_box_classes"``,
    ``"A_box_valid"``, and ``"B"``, ``"B_boxes"``, ... one of domain b (INIT).
    For labels, ade20k and cityscapes: ``"label"`` int32
    [H, W, 1] class ids (dontcare already mapped to num_classes), or with num_classes 0 (RGB label
    pictures, pix2pixHD label_nc 0) ``"label_image"`` float32 [H, W, a_channels] in [-1, 1]
    instead; ``"instance"`` int32 [H, W, 1] ids as stored (if use_instance); ``"image"`` float32
    [H, W, b_channels] in [-1, 1] (if use_image). For video (vid2vid) each batch is one training step's
    chunk of B sequences (see tf_i2i.data.video.pipeline.video_dataset and docs/datasets.md); ``first_step``
    is the train step the stream starts at, so a resumed run continues the sequence-length schedule (other
    layouts ignore it). Folder data sets are fully validated first: a bad file raises
    DatasetError here, not in the middle of training; a file changed after that stops the
    pipeline naming it (see checked_read.data_read_errors). With ``deterministic=True`` the same seed
    gives the same batches.
    """
    cfg = with_defaults(cfg)
    check_data_config(cfg)
    if batch_size < 1:
        raise DatasetError(f"batch_size must be positive, got {batch_size}")
    if cfg.layout == "video":
        from tf_i2i.data.video.pipeline import video_dataset

        return video_dataset(cfg, split=split, batch_size=batch_size, seed=seed, deterministic=deterministic,
                             shuffle=shuffle, repeat=repeat, drop_remainder=drop_remainder, first_step=first_step)
    source = _make_source(cfg, split)
    if cfg.layout == "boxes" and cfg.boxes.pair:
        ds = _domain_pairs(source, cfg, seed, shuffle, repeat, deterministic)
    else:
        ds = source.records(seed, shuffle, repeat).enumerate()
        ds = ds.map(
            lambda index, record: make_element(source.load(record), index, cfg, seed),
            num_parallel_calls=cfg.num_parallel_calls,
            deterministic=deterministic,
        )
    ds = ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.deterministic = deterministic
    return ds.with_options(options)
