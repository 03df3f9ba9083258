"""Folder data is checked in full before step 1: every file read and decoded as the pipeline decodes
it, label and instance maps PNG by content, unreadable files and dead links named, passes cached beside the data,
and a file changed after the check stops training naming it."""

from __future__ import annotations

import builtins
import errno
import logging
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_data import data_cfg, fails_validation, labels, paired  # noqa: F401 (fixtures)
from tests.helpers_training import tiny_config
from tf_i2i.data import (DatasetError, build_dataset, data_read_errors, folder_source, validate,
                         write_synthetic_dataset)
from tf_i2i.training.loop import train

CACHE = ".tf_i2i_checked.json"


def corrupt_png_data(png: bytes) -> bytes:
    """The PNG with bytes inside its IDAT zlib stream flipped and the chunk CRC recomputed: every
    chunk checks out, only decoding the pixels fails."""
    start = png.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", png[start : start + 4])
    data = bytearray(png[start + 8 : start + 8 + length])
    data[length // 2] ^= 0xFF
    data[length // 2 + 1] ^= 0x55
    crc = struct.pack(">I", zlib.crc32(b"IDAT" + bytes(data)) & 0xFFFFFFFF)
    return png[: start + 8] + bytes(data) + crc + png[start + 12 + length :]


@pytest.mark.parametrize("part, name", [("label", "scene_00001_gtFine_labelIds.png"),
                                        ("inst", "scene_00001_gtFine_instanceIds.png")])
def test_jpeg_saved_under_a_png_name_is_not_a_png_map(labels, part, name):
    path = labels / f"train_{part}" / name
    Image.open(path).convert("L").save(path, format="JPEG")  # the ids JPEG-compressed, still named .png
    fails_validation(labels, "labels", "map not a PNG", str(path), "JPEG data", use_instance=True)


def test_png_with_corrupt_data_but_valid_crcs(paired):
    path = paired / "trainB/00001.png"
    path.write_bytes(corrupt_png_data(path.read_bytes()))
    message = fails_validation(paired, "paired_folders", "corrupt", str(path), "cannot be decoded")
    assert "Invalid PNG data" in message


@pytest.mark.parametrize("error, words", [(PermissionError(errno.EACCES, "Permission denied"),
                                           ("permission denied: cannot read", "Permission denied")),
                                          (OSError(errno.EIO, "Input/output error"),
                                           ("cannot read", "Input/output error"))])
def test_unreadable_file_is_not_called_corrupt(paired, monkeypatch, error, words):
    """Tests run as root, where chmod does not stop reads: only opening this one file fails."""
    unreadable = str(paired / "trainA/00002.png")
    real_open = builtins.open

    def failing_open(file, *args, **kwargs):
        if str(file) == unreadable:
            raise error
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    message = fails_validation(paired, "paired_folders", unreadable, *words)
    assert message.startswith(words[0]) and "corrupt" not in message


@pytest.fixture
def dead_links(paired) -> list[Path]:
    loop, broken = paired / "trainA/loop.png", paired / "trainB/broken.png"
    loop.symlink_to(loop.name)
    broken.symlink_to("nowhere.png")
    return [loop, broken]


def test_dead_links_are_warned_about(paired, dead_links, caplog):
    with caplog.at_level(logging.WARNING):
        build_dataset(data_cfg(source=str(paired), layout="paired_folders"), batch_size=1)
    warned = caplog.text
    assert f"symbolic link loop: {dead_links[0]}" in warned
    assert f"broken symbolic link: {dead_links[1]} -> nowhere.png" in warned


def test_dead_links_are_errors_under_strict(paired, dead_links):
    fails_validation(paired, "paired_folders", "symbolic link loop", str(dead_links[0]), "data.strict", strict=True)
    dead_links[0].unlink()
    fails_validation(paired, "paired_folders", "broken symbolic link", str(dead_links[1]), strict=True)


def test_second_validation_uses_the_cache_and_rechecks_a_changed_file(paired, monkeypatch):
    checked = []
    real_check = validate.check_file
    monkeypatch.setattr(validate, "check_file", lambda path, *a: checked.append(path) or real_check(path, *a))
    cfg = data_cfg(source=str(paired), layout="paired_folders")
    build_dataset(cfg, batch_size=1)
    assert len(checked) == 6 and (paired / CACHE).is_file()
    assert [p.name for p in paired.iterdir() if p.name.startswith(".")] == [CACHE]  # no temp file left
    checked.clear()
    build_dataset(cfg, batch_size=1)
    assert checked == []
    changed = paired / "trainA/00001.png"
    changed.write_bytes(corrupt_png_data(changed.read_bytes()))
    stat = changed.stat()
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    fails_validation(paired, "paired_folders", "corrupt", str(changed))
    assert checked == [str(changed)]
    fails_validation(paired, "paired_folders", "corrupt", str(changed))
    assert checked == [str(changed)] * 2  # a failure is never cached


def _read_after_change(root: Path, change) -> None:
    """Build the data set (validated), change every file of trainB, then read it: the raw TensorFlow
    error names the file, and under data_read_errors() it is a one-line DatasetError."""
    dataset = build_dataset(data_cfg(source=str(root), layout="paired_folders"), batch_size=1, shuffle=False)
    for path in sorted((root / "trainB").iterdir()):
        change(path)
    first = root / "trainB/00000.png"
    with pytest.raises(tf.errors.OpError, match=str(first)):
        next(iter(dataset))
    with pytest.raises(DatasetError) as err, data_read_errors():
        next(iter(dataset))
    assert str(first) in str(err.value) and "\n" not in str(err.value)
    return str(err.value)


def test_file_changed_after_validation_stops_naming_it(paired):
    message = _read_after_change(paired, lambda p: p.write_bytes(corrupt_png_data(p.read_bytes())))
    assert message.startswith("data file changed since the data set was checked: ")


def test_file_removed_after_validation_stops_naming_it(paired):
    message = _read_after_change(paired, Path.unlink)
    assert message.startswith("cannot read a data file during training: ") and "No such file" in message


def test_training_stops_with_a_dataset_error_when_a_file_changes(tmp_path, monkeypatch):
    root = write_synthetic_dataset(tmp_path / "aligned", "aligned", 2, 36)
    real_validate = folder_source.validate_files

    def validate_then_change(files, *args, **kwargs):
        hashes = real_validate(files, *args, **kwargs)
        for path in files.parts["AB"]:
            Image.fromarray(np.zeros((36, 72, 3), np.uint8)).save(path)  # a valid image, but not the one checked
        return hashes

    monkeypatch.setattr(folder_source, "validate_files", validate_then_change)
    config = tiny_config("pix2pix", data__source=str(root), data__layout="aligned")
    with pytest.raises(DatasetError, match=f"changed since the data set was checked: {root}/train/0000[01].png"):
        train(config, tmp_path / "run")
