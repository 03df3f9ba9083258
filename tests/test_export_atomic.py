"""An export appears whole or not at all: one that dies after writing the new SavedModel, or between
the renames that swap it in, leaves the previous export loadable (tf_i2i.atomic; tests/test_atomic.py
kills a real writer at every step)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import tf_i2i.export
from tests.helpers_export import random_images, tiny_model
from tf_i2i import atomic
from tf_i2i.export import ExportInputError, export_model
from tf_i2i.export.info import INFO_FILE
from tf_i2i.export.served import saved_model_folder


def _serve(export, x: np.ndarray) -> np.ndarray:
    """The export's serve output, loaded as tools/translate.py --saved_model finds it."""
    loaded = tf.saved_model.load(str(saved_model_folder(export)))  # kept: its variables die with it
    return loaded.serve(x).numpy()


def _export(model, export) -> None:
    export_model(model, export, tflite=(), height=32, width=32)


def test_an_export_that_dies_midway_leaves_the_previous_export(tmp_path, monkeypatch):
    previous, new = tiny_model("pix2pix", seed=0), tiny_model("pix2pix", seed=1)
    x = random_images((1, 32, 32, 3))
    export = tmp_path / "export"
    _export(previous, export)
    info, expected = (export / INFO_FILE).read_text(), _serve(export, x)

    def dies(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:  # after the new SavedModel, before export_info.json
        patch.setattr(tf_i2i.export, "write_info", dies)
        with pytest.raises(RuntimeError, match="killed"):
            _export(new, export)
    assert (export / INFO_FILE).read_text() == info
    np.testing.assert_array_equal(_serve(export, x), expected)
    assert [p.name for p in tmp_path.iterdir()] == ["export"]

    renames = []

    def second_rename_dies(src, dst):
        renames.append(dst)
        if len(renames) == 2:  # the previous export is aside, the new one not yet in
            raise RuntimeError("killed")
        return rename(src, dst)

    rename = atomic.os.rename
    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "rename", second_rename_dies)
        with pytest.raises(RuntimeError, match="killed"):
            _export(new, export)
    assert not export.exists()
    np.testing.assert_array_equal(_serve(export, x), expected)  # the reader restored it
    assert (export / INFO_FILE).read_text() == info

    _export(new, export)
    assert not np.allclose(_serve(export, x), expected)
    assert [p.name for p in tmp_path.iterdir()] == ["export"]


def test_an_export_never_replaces_a_folder_that_is_not_an_export(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "checkpoints").mkdir()
    with pytest.raises(ExportInputError, match="holds other files than an export"):
        _export(tiny_model("pix2pix"), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints", "config.json"]
