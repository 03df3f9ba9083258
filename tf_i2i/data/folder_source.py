"""Folder data sets: find and match files, validate them eagerly, decode them inside tf.data."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import ml_collections
import tensorflow as tf

from tf_i2i.data.config import rgb_labels
from tf_i2i.data.decode import read_ade20k_label, read_image, read_instance, read_label, split_aligned
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import FileSet, collect_files
from tf_i2i.data.files_release import RELEASE_TREES
from tf_i2i.data.source import Source, domain_indices, epoch_indices, independent_indices
from tf_i2i.data.validate import validate_files

READERS = {
    "A": read_image, "B": read_image, "image": read_image, "label_image": read_image,
    "label": read_label, "instance": read_instance,
}


def _decode(paths: dict[str, tf.Tensor], readers: dict[str, Callable]) -> dict[str, tf.Tensor]:
    if "AB" in paths:
        a, b = split_aligned(read_image(paths["AB"]))
        return {"A": a, "B": b}
    return {part: readers[part](path) for part, path in paths.items()}


def _files(cfg: ml_collections.ConfigDict, root: Path, split: str) -> FileSet:
    """The flat layouts (files.py) or an official release tree (files_release.py)."""
    if cfg.layout in RELEASE_TREES:
        return RELEASE_TREES[cfg.layout](root, split, use_instance=cfg.use_instance, use_image=cfg.use_image)
    return collect_files(root, cfg.layout, split, use_instance=cfg.use_instance, rgb_labels=rgb_labels(cfg),
                         use_image=cfg.use_image, num_domains=cfg.num_domains)


def folder_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Source over ``cfg.source`` (a folder); raises DatasetError before returning if any file is bad."""
    root = Path(cfg.source).expanduser()
    if not root.is_dir():
        raise DatasetError(f"folder missing: data set root {root} does not exist or is not a directory")
    files = _files(cfg, root, split)
    validate_files(files, cfg, name=f"{root} [{split}]")
    readers = {**READERS, "label": read_ade20k_label} if cfg.layout == "ade20k" else READERS
    tables = {part: tf.constant(paths) for part, paths in files.parts.items()}
    sizes = {part: len(paths) for part, paths in files.parts.items()}

    if files.joint:
        n = next(iter(sizes.values()))
        return Source(
            records=lambda seed, shuffle, repeat: epoch_indices(n, seed, shuffle, repeat),
            load=lambda index: _decode({part: tf.gather(table, index) for part, table in tables.items()}, readers),
        )
    if cfg.layout == "domains":  # all domains' paths in one table; domain d starts at offsets[d]
        counts = list(sizes.values())
        paths = tf.constant([path for part in files.parts.values() for path in part])
        offsets = tf.constant(list(itertools.accumulate(counts[:-1], initial=0)), tf.int64)
        return Source(
            records=lambda seed, shuffle, repeat: domain_indices(counts, seed, shuffle, repeat),
            load=lambda rec: {
                "image": read_image(tf.gather(paths, offsets[rec["domain"]] + rec["index"])),
                "domain": rec["domain"],
            },
        )
    return Source(
        records=lambda seed, shuffle, repeat: independent_indices(sizes["A"], sizes["B"], seed, shuffle, repeat),
        load=lambda rec: _decode({part: tf.gather(tables[part], rec[part]) for part in ("A", "B")}, readers),
    )
