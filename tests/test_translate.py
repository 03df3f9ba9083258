"""tools/translate.py and tools/export.py end to end on a tiny CycleGAN run folder, plus the
translation helpers' error handling."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.test_export_support import run_tools, tiny_config, write_run
from tf_i2i.export import ExportInputError, export_model
from tf_i2i.export.images import list_inputs
from tf_i2i.export.translation import translate_files, translator_from_saved_model

SIZES = {"rgb": (37, 50), "grey": (32, 32)}  # (H, W): one not a multiple of 4, one grey JPEG


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A CycleGAN run folder with a checkpoint, exported (SavedModel only) from the in-memory model."""
    workdir = tmp_path_factory.mktemp("run")
    model = write_run(workdir, tiny_config("cyclegan"))
    export_model(model, workdir / "export", tflite=(), height=32, width=32)
    return workdir, model


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (*SIZES["rgb"], 3), dtype=np.uint8)).save(folder / "rgb.png")
    Image.fromarray(rng.integers(0, 256, SIZES["grey"], dtype=np.uint8)).save(folder / "grey.jpg")
    return folder


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)) for p in sorted(folder.glob("*.png"))}


def test_translate_tool_checkpoint_and_saved_model_modes_agree(run, inputs, tmp_path):
    workdir, _ = run
    from_checkpoint, from_saved = run_tools(
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'ckpt'}", f"--workdir={workdir}"),
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'sm'}", f"--saved_model={workdir / 'export'}"))
    assert from_checkpoint.returncode == 0, from_checkpoint.stderr
    assert from_saved.returncode == 0, from_saved.stderr
    assert "translated 2/2" in from_checkpoint.stderr
    a, b = _outputs(tmp_path / "ckpt"), _outputs(tmp_path / "sm")
    assert {k: v.shape for k, v in a.items()} == {k: (*size, 3) for k, size in SIZES.items()}
    for stem in SIZES:
        assert np.abs(a[stem].astype(int) - b[stem]).max() <= 1  # float rounding of two TF graphs


def test_b2a_endpoint_runs_the_b_to_a_generator(run, inputs, tmp_path):
    workdir, trained = run
    translator = translator_from_saved_model(workdir / "export" / "saved_model", "serve_b2a")
    (written,) = translate_files(translator, [inputs / "grey.jpg"], tmp_path)
    grey = tf.io.decode_jpeg(tf.io.read_file(str(inputs / "grey.jpg"))).numpy().astype(np.float32)
    rgb = np.repeat(grey[None], 3, axis=-1) / 127.5 - 1.0  # the grey image copied to R, G and B
    expected = (trained.gen_ba(rgb, training=False).numpy()[0] + 1.0) * 127.5
    assert np.abs(np.asarray(Image.open(written)) - expected).max() <= 0.5 + 1e-3


def test_bad_inputs_fail_naming_the_file(run, inputs, tmp_path):
    workdir, _ = run
    translator = translator_from_saved_model(workdir / "export" / "saved_model")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(ExportInputError, match=f"cannot read image {broken}"):
        translate_files(translator, [broken], tmp_path / "out")
    with pytest.raises(ExportInputError, match=f"{inputs / 'rgb.png'}: .*multiples of 4.*got 37x50"):
        translate_files(translator, [inputs / "rgb.png"], tmp_path / "out", resize="none")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportInputError, match="no images"):
        list_inputs(tmp_path / "empty")
    (tmp_path / "twins").mkdir()
    for name in ("a.png", "a.jpg"):
        Image.new("RGB", (8, 8)).save(tmp_path / "twins" / name)
    with pytest.raises(ExportInputError, match="would both be written as a.png"):
        list_inputs(tmp_path / "twins")
    with pytest.raises(ExportInputError, match="endpoint 'serve_c' not in"):
        translator_from_saved_model(workdir / "export" / "saved_model", "serve_c")
    with pytest.raises(ExportInputError, match="is not a SavedModel folder"):
        translator_from_saved_model(workdir)


def test_export_tool_writes_the_requested_files_and_rejects_bad_sizes(run, tmp_path):
    workdir, _ = run
    done, refused = run_tools(
        ("export", f"--workdir={workdir}", f"--output={tmp_path}", "--tflite=int8", "--height=32", "--width=64"),
        ("export", f"--workdir={workdir}", f"--output={tmp_path / 'bad'}", "--height=30"))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.iterdir()} == {
        "saved_model", "export_info.json", "serve_int8.tflite", "serve_b2a_int8.tflite"}
    loaded = tf.saved_model.load(str(tmp_path / "saved_model"))
    assert loaded.serve(tf.zeros([2, 8, 12, 3])).shape == (2, 8, 12, 3)
    assert refused.returncode == 1
    assert "height and width must be positive multiples of 4" in refused.stderr
    assert not (tmp_path / "bad").exists()
