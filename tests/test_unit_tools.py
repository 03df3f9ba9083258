"""UNIT through the tools: tools/train.py trains a tiny 1-channel A / 3-channel B run (samples,
checkpoints, export at the end) and resumes it; the SavedModel and TFLite endpoints serve (A -> B)
and serve_b2a match the restored Keras model; tools/translate.py translates from the run folder
and from the SavedModel alike."""

from __future__ import annotations

import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_training import checkpoint_steps, latest_step, tiny_config, train_args
from tests.helpers_export import random_images, run_tools
from tf_i2i.export import export_model, load_trained_model, run_tflite
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.export.served import served_from_saved_model
from tf_i2i.export.workdir import load_run_config
from tf_i2i.models.serving.float32 import float32_network
from tf_i2i.models.unit import UNIT
from tf_i2i.registry import build_model

EXPORT = {"export__at_end": True, "export__tflite": "float32", "export__height": 32, "export__width": 32}
RUN = {"data__a_channels": 1, "train__num_steps": 4, "train__sample_every": 2, "train__checkpoint_every": 2, **EXPORT}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """(run folder, restored model, loaded SavedModel) of a finished 4-step tools/train.py run."""
    workdir = tmp_path_factory.mktemp("unit_run")
    (done,) = run_tools(("train", *train_args("unit", workdir, **RUN)), timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    model = load_trained_model(workdir)
    return workdir, model, tf.saved_model.load(str(workdir / "export" / "saved_model"))


def test_train_tool_writes_samples_checkpoints_and_the_export(run):
    workdir, model, _ = run
    assert isinstance(model, UNIT) and model.cfg.input_nc == 1 and model.cfg.output_nc == 3
    assert checkpoint_steps(workdir) == {2, 4}
    assert sorted(p.name for p in (workdir / "samples").glob("*.png")) == ["step_0000002.png", "step_0000004.png"]
    grid = np.asarray(Image.open(workdir / "samples" / "step_0000004.png"))
    assert grid.shape == (2 * 32, 8 * 34, 3)  # batch rows; 8 columns (input, recon, translation, cycle) x 2
    assert {p.name for p in (workdir / "export").iterdir()} == {
        "saved_model", "export_info.json", "serve_float32.tflite", "serve_b2a_float32.tflite"}


@pytest.mark.parametrize("direction, endpoint, channels", [("a2b", "serve", 1), ("b2a", "serve_b2a", 3)])
def test_exported_endpoints_match_keras(run, direction, endpoint, channels):
    workdir, model, loaded = run
    x = random_images((2, 32, 48, channels))
    expected = model.translate(x, direction).numpy()
    assert expected.shape == (2, 32, 48, 4 - channels)
    np.testing.assert_allclose(getattr(loaded, endpoint)(x).numpy(), expected, atol=1e-5)
    pixels = np.random.default_rng(1).integers(0, 256, (1, 32, 32, channels), dtype=np.uint8)
    served = getattr(loaded, f"{endpoint}_uint8")(pixels).numpy()
    reference = (model.translate(pixels / 127.5 - 1.0, direction).numpy() + 1.0) * 127.5
    assert served.dtype == np.uint8 and np.abs(served - reference).max() <= 0.5 + 1e-3
    tflite_in = random_images((1, 32, 32, channels), seed=2)
    np.testing.assert_allclose(run_tflite(workdir / "export" / f"{endpoint}_float32.tflite", tflite_in),
                               model.translate(tflite_in, direction).numpy(), atol=1e-4)


def test_translate_tool_and_resume(run, tmp_path):
    """Through the tool host, in turn: translate from the run folder and from the SavedModel
    (b2a, 3-channel input), and train the copied run on to step 6. The export train() writes at the
    end records the run's preprocessing, so the SavedModel alone sizes inputs as the run would."""
    workdir, model, _ = run
    inputs = tmp_path / "in"
    inputs.mkdir()
    photo = np.random.default_rng(0).integers(0, 256, (36, 40, 3), dtype=np.uint8)  # not a multiple of 4
    Image.fromarray(photo).save(inputs / "photo.png")
    resumed = tmp_path / "resumed"
    shutil.copytree(workdir, resumed)
    train = train_args("unit", resumed, **{**RUN, "train__num_steps": 6, "export__at_end": False})
    ckpt, saved, more = run_tools(
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'ckpt'}", f"--workdir={workdir}",
         "--endpoint=serve_b2a", "--preprocess=none", "--output_size=input"),
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'sm'}", f"--saved_model={workdir / 'export'}",
         "--endpoint=serve_b2a", "--preprocess=none", "--output_size=input"),
        ("train", *train), timeout=240)
    for done in (ckpt, saved, more):
        assert done.returncode == 0, done.stderr[-3000:]
    a, b = (np.asarray(Image.open(tmp_path / d / "photo.png")) for d in ("ckpt", "sm"))
    assert a.shape == b.shape == (36, 40)  # B -> A: one channel, written at the input size
    assert np.abs(a.astype(int) - b).max() <= 1
    assert "resumed from" in more.stderr and latest_step(resumed) == 6
    config = load_run_config(workdir)
    assert served_from_saved_model(workdir / "export").preprocessing == Preprocessing.of(config.data)


def test_mixed_bfloat16_export_copies_the_weights_tied_blocks_too(tmp_path):
    """The float32 copy of a bfloat16 translator is rebuilt from its config and takes the weights by
    path: with tied blocks (gen_b's first decoder block is gen_a's) every block must land in place."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # as train() leaves it; conftest restores
    model = build_model(tiny_config("unit", model__generator__n_res=2, model__generator__n_shared=1))
    model.build_generators()
    copy = float32_network(model.a2b, 3)
    assert copy is not model.a2b and copy.compute_dtype == "float32"
    for original, copied in ((model.gen_a.dec.blocks[0], copy.decoder.blocks[0]),  # tied: gen_b.dec's block 0
                             (model.gen_b.dec.blocks[1], copy.decoder.blocks[1])):
        for v, w in zip(original.weights, copied.weights, strict=True):
            np.testing.assert_array_equal(w.numpy(), v.numpy(), err_msg=v.path)
    paths = export_model(model, tmp_path, tflite=(), height=32, width=32)  # TFLite: see the run's export
    keras.mixed_precision.set_global_policy("float32")
    x = random_images((1, 32, 32, 3))
    loaded = tf.saved_model.load(str(paths["saved_model"]))  # kept: its variables die with it
    served = loaded.serve(x).numpy()
    np.testing.assert_allclose(served, copy(x).numpy(), atol=1e-5)
    np.testing.assert_allclose(served, model.translate(x).numpy(), atol=3e-2)  # bfloat16 maths
