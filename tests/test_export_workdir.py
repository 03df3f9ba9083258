"""Rebuilding a model from a run folder: the trained generators come back exactly; bad runs fail clearly."""

from __future__ import annotations

import gc
import json
import logging
import shutil

import numpy as np
import pytest

from tests.helpers_export import random_images, tiny_config, write_run
from tf_i2i.export import ExportInputError, load_trained_model


def _assert_same_generators(restored, trained):
    for name, (generator, channels) in trained.export_generators().items():
        x = random_images((1, 32, 32, channels))
        np.testing.assert_array_equal(restored.export_generators()[name][0](x, training=False).numpy(),
                                      generator(x, training=False).numpy())


def test_restores_the_saved_generators(tmp_path):
    config = tiny_config("cyclegan")
    trained = write_run(tmp_path / "run", config)
    _assert_same_generators(load_trained_model(tmp_path / "run"), trained)


def test_restores_batch_norm_statistics(tmp_path):
    config = tiny_config("pix2pix")
    trained = write_run(tmp_path / "run", config)
    _assert_same_generators(load_trained_model(tmp_path / "run"), trained)


def test_bad_run_folders_fail_clearly(tmp_path, caplog):
    with pytest.raises(ExportInputError, match="config.json not found"):
        load_trained_model(tmp_path)
    run = tmp_path / "run"
    write_run(run, tiny_config("cyclegan"))
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(run / "config.json", other / "config.json")
    with pytest.raises(ExportInputError, match="no checkpoint in"):
        load_trained_model(other)
    shutil.copytree(run / "checkpoints", other / "checkpoints")
    config = json.loads((other / "config.json").read_text())
    config["model"]["generator"]["ngf"] = 8
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(ExportInputError, match="does not fit the model rebuilt from"):
        load_trained_model(other)
    with caplog.at_level(logging.ERROR, logger="tensorflow"):
        gc.collect()  # TF warns once per checkpoint value when the failed restore's state is collected
