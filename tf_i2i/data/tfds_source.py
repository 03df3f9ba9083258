"""TensorFlow Datasets as a source: ``source = "tfds:<name>"`` (optional dependency, imported lazily).

Which splits and features give A, B, label, instance and image comes from ``cfg.tfds``:
``unpaired`` reads A from split ``a_split`` and B from ``b_split`` ("{split}" is replaced by
build_dataset's split, so ``cycle_gan/horse2zebra`` works as is); the other layouts read all
parts from the same example of ``split``. TFDS decodes the examples, so shuffling uses a buffer
of ``shuffle_buffer`` examples rather than the file list.
"""

from __future__ import annotations

import ml_collections
import tensorflow as tf

from tf_i2i.data.config import rgb_labels
from tf_i2i.data.decode import split_aligned
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.source import Source


def _import_tfds():
    try:
        import tensorflow_datasets as tfds
    except ImportError as err:
        raise DatasetError(
            "source='tfds:...' needs the optional packages tensorflow-datasets and importlib_resources "
            "(pip install tensorflow-datasets importlib_resources)"
        ) from err
    return tfds


def _wanted(cfg: ml_collections.ConfigDict, split: str) -> dict[str, tuple[str, str]]:
    """Raw part -> (TFDS split, feature key)."""
    t = cfg.tfds
    if cfg.layout == "unpaired":
        return {"A": (t.a_split.format(split=split), t.a_key), "B": (t.b_split.format(split=split), t.b_key)}
    if cfg.layout == "aligned":
        return {"AB": (split, t.a_key)}
    if cfg.layout == "paired_folders":
        return {"A": (split, t.a_key), "B": (split, t.b_key)}
    wanted = {"label_image" if rgb_labels(cfg) else "label": (split, t.label_key)}
    if cfg.use_image:
        wanted["image"] = (split, t.image_key)
    if cfg.use_instance:
        if not t.instance_key:
            raise DatasetError("data.use_instance is set but data.tfds.instance_key is empty")
        wanted["instance"] = (split, t.instance_key)
    return wanted


def _check_features(name: str, features, wanted: dict[str, tuple[str, str]]) -> None:
    for part, (_, key) in wanted.items():
        if key not in features:
            raise DatasetError(f"TFDS data set {name!r} has no feature {key!r} (for {part}); it has {sorted(features)}")
        channels = features[key].shape[-1] if features[key].shape else None
        if part in ("A", "B", "AB", "image", "label_image") and channels not in (None, 1, 3):
            raise DatasetError(f"wrong channel count: TFDS feature {name}/{key} has {channels} channels; need 1 or 3")


def _to_raw(part: str, value: tf.Tensor, cfg: ml_collections.ConfigDict, name: str) -> dict[str, tf.Tensor]:
    if part == "AB":
        a, b = split_aligned(value)
        return {"A": a, "B": b}
    if part not in ("label", "instance"):
        return {part: value}
    ids = tf.cast(value, tf.int32)
    ids = ids if ids.shape.rank == 3 else tf.expand_dims(ids, -1)
    if part == "label":
        valid = tf.where(ids == cfg.dontcare_label, 0, ids)
        check = tf.debugging.assert_less(valid, cfg.num_classes, message=f"tfds:{name}: label id >= num_classes")
        with tf.control_dependencies([check]):
            ids = tf.identity(ids)
    return {part: ids}


def tfds_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Source over a prepared TFDS data set; unknown names and features raise DatasetError here."""
    tfds = _import_tfds()
    name = cfg.source[len("tfds:") :]
    data_dir = cfg.tfds.data_dir or None
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except Exception as err:  # TFDS raises several types for unknown names
        raise DatasetError(f"unknown TFDS data set {name!r}: {err}") from err
    wanted = _wanted(cfg, split)
    _check_features(name, builder.info.features, wanted)

    def load_split(tfds_split: str, keys: dict[str, str]) -> tf.data.Dataset:
        try:
            ds = tfds.load(name, split=tfds_split, data_dir=data_dir, download=cfg.tfds.download, shuffle_files=False)
        except Exception as err:
            raise DatasetError(
                f"cannot load TFDS split {name}[{tfds_split}] (download={cfg.tfds.download}): {err}"
            ) from err
        return ds.map(lambda ex: {part: ex[key] for part, key in keys.items()})

    def load(rec: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        raw: dict[str, tf.Tensor] = {}
        for part, value in rec.items():
            raw.update(_to_raw(part, value, cfg, name))
        return raw

    def shuffled(ds: tf.data.Dataset, seed: int, shuffle: bool) -> tf.data.Dataset:
        return ds.shuffle(cfg.shuffle_buffer, seed=seed, reshuffle_each_iteration=True) if shuffle else ds

    if cfg.layout != "unpaired":
        joint = load_split(split, {part: key for part, (_, key) in wanted.items()})

        def records(seed: int, shuffle: bool, repeat: bool) -> tf.data.Dataset:
            ds = shuffled(joint, seed, shuffle)
            return ds.repeat() if repeat else ds

        return Source(records, load)

    domains = {part: load_split(s, {part: key}) for part, (s, key) in wanted.items()}
    epoch = max(int(ds.cardinality()) for ds in domains.values())  # tfds.load datasets know their size

    def unpaired_records(seed: int, shuffle: bool, repeat: bool) -> tf.data.Dataset:
        streams = [shuffled(ds, seed + i, shuffle).repeat() for i, ds in enumerate(domains.values())]
        pairs = tf.data.Dataset.zip(tuple(streams)).map(lambda a, b: {**a, **b})
        return pairs if repeat else pairs.take(epoch)  # one epoch = the larger domain, as for folders

    return Source(unpaired_records, load)
