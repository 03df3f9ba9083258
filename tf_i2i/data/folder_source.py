"""Folder data sets: find and match files, validate them eagerly, decode them inside tf.data."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import ml_collections
import numpy as np
import tensorflow as tf

from tf_i2i.data.boxes.folder_boxes import folder_boxes, no_boxes
from tf_i2i.data.checked_read import read_checked
from tf_i2i.data.config import DOMAIN_LAYOUTS, rgb_labels
from tf_i2i.data.decode import decode_ade20k_label, decode_image, decode_instance, decode_label, split_aligned
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import FileSet, collect_files
from tf_i2i.data.files_release import RELEASE_TREES
from tf_i2i.data.source import Source, domain_indices, epoch_indices, independent_indices
from tf_i2i.data.validate import validate_files

DECODERS = {
    "A": decode_image, "B": decode_image, "image": decode_image, "label_image": decode_image,
    "label": decode_label, "instance": decode_instance,
}
Table = tuple[tf.Tensor, tf.Tensor]  # a part's paths and the content hashes validation found for them


def _read(table: Table, index: tf.Tensor, decode: Callable[[tf.Tensor], tf.Tensor]) -> tf.Tensor:
    """Decoded file ``index`` of a part, whose bytes must be those validation checked."""
    paths, hashes = table
    return decode(read_checked(tf.gather(paths, index), tf.gather(hashes, index)))


def _decode(tables: dict[str, Table], indices: dict[str, tf.Tensor],
            decoders: dict[str, Callable]) -> dict[str, tf.Tensor]:
    if "AB" in tables:
        a, b = split_aligned(_read(tables["AB"], indices["AB"], decode_image))
        return {"A": a, "B": b}
    return {part: _read(tables[part], indices[part], decoders[part]) for part in tables}


def _files(cfg: ml_collections.ConfigDict, root: Path, split: str) -> FileSet:
    """The flat layouts (files.py) or an official release tree (files_release.py)."""
    if cfg.layout in RELEASE_TREES:
        return RELEASE_TREES[cfg.layout](root, split, use_instance=cfg.use_instance, use_image=cfg.use_image,
                                         strict=cfg.strict)
    return collect_files(root, cfg.layout, split, use_instance=cfg.use_instance, rgb_labels=rgb_labels(cfg),
                         use_image=cfg.use_image, num_domains=cfg.num_domains, strict=cfg.strict)


def _domain_boxes(cfg: ml_collections.ConfigDict, root: Path, split: str, files: FileSet) -> dict[str, tf.Tensor]:
    """Every domain's padded boxes ({split}A_boxes/, ...) stacked in the order of the image table;
    data.boxes.unboxed_domains get rows without boxes."""
    per_domain = [
        no_boxes(len(paths), cfg.boxes.max_boxes) if d in cfg.boxes.unboxed_domains
        else folder_boxes(paths, root / f"{split}{letter}_boxes", cfg.boxes)
        for d, (letter, paths) in enumerate(files.parts.items())
    ]
    return {key: tf.constant(np.concatenate([d[key] for d in per_domain])) for key in per_domain[0]}


def folder_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Source over ``cfg.source`` (a folder); raises DatasetError before returning if any file is bad."""
    root = Path(cfg.source).expanduser()
    if not root.is_dir():
        raise DatasetError(f"folder missing: data set root {root} does not exist or is not a directory")
    files = _files(cfg, root, split)
    hashes = validate_files(files, root, cfg, name=f"{root} [{split}]")
    decoders = {**DECODERS, "label": decode_ade20k_label} if cfg.layout == "ade20k" else DECODERS
    tables = {part: (tf.constant(paths), tf.constant(hashes[part], tf.int64)) for part, paths in files.parts.items()}
    sizes = {part: len(paths) for part, paths in files.parts.items()}

    if files.joint:
        n = next(iter(sizes.values()))
        return Source(
            records=lambda seed, shuffle, repeat: epoch_indices(n, seed, shuffle, repeat),
            load=lambda index: _decode(tables, dict.fromkeys(tables, index), decoders),
        )
    if cfg.layout in DOMAIN_LAYOUTS:  # all domains' paths in one table; domain d starts at offsets[d]
        counts = list(sizes.values())
        every = (tf.concat([paths for paths, _ in tables.values()], 0), tf.concat([h for _, h in tables.values()], 0))
        offsets = tf.constant(list(itertools.accumulate(counts[:-1], initial=0)), tf.int64)
        boxes = _domain_boxes(cfg, root, split, files) if cfg.layout == "boxes" else {}

        def load(rec: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
            at = offsets[rec["domain"]] + rec["index"]
            boxed = {key: tf.gather(table, at) for key, table in boxes.items()}
            return {"image": _read(every, at, decode_image), "domain": rec["domain"], **boxed}

        return Source(records=lambda seed, shuffle, repeat: domain_indices(counts, seed, shuffle, repeat), load=load)
    return Source(
        records=lambda seed, shuffle, repeat: independent_indices(sizes["A"], sizes["B"], seed, shuffle, repeat),
        load=lambda rec: _decode({part: tables[part] for part in "AB"}, rec, decoders),
    )
