"""tools/translate.py and tools/export.py end to end on tiny CycleGAN run folders: checkpoint and
SavedModel modes agreeing, the run's preprocessing applied by default (scale_width), flags that do
not apply to a paper refused, plus the translator's error handling."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_export import run_tools, tiny_config, write_run
from tf_i2i.export import ExportInputError, Preprocessing, export_model
from tf_i2i.export.images import list_inputs, resize_uint8
from tf_i2i.export.options import TranslateOptions, check_options
from tf_i2i.export.served import served_from_saved_model
from tf_i2i.export.translate import find_samples, make_translator, translate_files
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.registry import get_spec

SIZES = {"rgb": (37, 50), "grey": (32, 32)}  # (H, W): one not a multiple of 4, one grey JPEG
SCALE_WIDTH = {"data.preprocess": "scale_width", "data.load_size": 24}  # 40x64 -> 15x24 -> 16x24 (multiple 4)


def _exported_run(folder, **flat):
    """A CycleGAN run folder with a checkpoint, exported (SavedModel only) from the in-memory model."""
    config = tiny_config("cyclegan", **flat)
    model = write_run(folder, config)
    export_model(model, folder / "export", tflite=(), height=32, width=32, preprocessing=Preprocessing.of(config.data))
    return folder, model


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return _exported_run(tmp_path_factory.mktemp("run"))


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
    """resize_and_crop at crop_size 32: every input is translated at 32x32, or written back at its
    own size with --output_size=input."""
    workdir, _ = run
    from_checkpoint, from_saved, at_input = run_tools(
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'ckpt'}", f"--workdir={workdir}"),
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'sm'}", f"--saved_model={workdir / 'export'}"),
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'in'}", f"--saved_model={workdir / 'export'}",
         "--output_size=input"))
    for done in (from_checkpoint, from_saved, at_input):
        assert done.returncode == 0, done.stderr[-3000:]
    assert "translated 2/2" in from_checkpoint.stderr
    a, b = _outputs(tmp_path / "ckpt"), _outputs(tmp_path / "sm")
    assert {k: v.shape for k, v in a.items()} == {k: (32, 32, 3) for k in SIZES}
    for stem in SIZES:
        assert np.abs(a[stem].astype(int) - b[stem]).max() <= 1  # float rounding of two TF graphs
    assert {k: v.shape for k, v in _outputs(tmp_path / "in").items()} == {k: (*size, 3) for k, size in SIZES.items()}


def test_scale_width_run_translates_at_its_training_width(tmp_path):
    """A run trained with scale_width at load_size 24 translates a 40x64 picture at 16x24 (24 wide,
    the height kept in proportion and rounded to the multiple 4), from both sources, as its
    generator does on the antialiased resize; --output_size=input writes 40x64."""
    workdir, model = _exported_run(tmp_path / "run", **SCALE_WIDTH)
    pixels = np.random.default_rng(1).integers(0, 256, (40, 64, 3), dtype=np.uint8)
    (tmp_path / "in").mkdir()
    Image.fromarray(pixels).save(tmp_path / "in" / "wide.png")
    source = f"--input={tmp_path / 'in'}"
    results = run_tools(
        ("translate", source, f"--output={tmp_path / 'ckpt'}", f"--workdir={workdir}"),
        ("translate", source, f"--output={tmp_path / 'sm'}", f"--saved_model={workdir / 'export'}"),
        ("translate", source, f"--output={tmp_path / 'back'}", f"--workdir={workdir}", "--output_size=input"))
    for done in results:
        assert done.returncode == 0, done.stderr[-3000:]
    ckpt, saved, back = (_outputs(tmp_path / d)["wide"].astype(int) for d in ("ckpt", "sm", "back"))
    expected = to_uint8(model.gen_ab(to_float(resize_uint8(pixels, 16, 24))[None], training=False)).numpy()[0]
    assert ckpt.shape == saved.shape == (16, 24, 3)
    assert np.abs(ckpt - expected).max() <= 1 and np.abs(saved - expected).max() <= 1
    assert back.shape == (40, 64, 3)


def test_b2a_endpoint_runs_the_b_to_a_generator(run, inputs, tmp_path):
    workdir, trained = run
    translator = make_translator(served_from_saved_model(workdir / "export" / "saved_model"),
                                 TranslateOptions(endpoint="serve_b2a", preprocess="none"))
    (written,) = translate_files(translator, find_samples(translator, inputs / "grey.jpg", None), tmp_path)
    grey = tf.io.decode_jpeg(tf.io.read_file(str(inputs / "grey.jpg"))).numpy().astype(np.float32)
    rgb = np.repeat(grey[None], 3, axis=-1) / 127.5 - 1.0  # the grey image copied to R, G and B
    expected = (trained.gen_ba(rgb, training=False).numpy()[0] + 1.0) * 127.5
    assert np.abs(np.asarray(Image.open(written)) - expected).max() <= 0.5 + 1e-3


def test_preprocess_none_keeps_the_size_rounded_to_the_multiple(run, inputs, tmp_path):
    workdir, _ = run
    translator = make_translator(served_from_saved_model(workdir / "export"), TranslateOptions(preprocess="none"))
    (written,) = translate_files(translator, find_samples(translator, inputs / "rgb.png", None), tmp_path)
    assert np.asarray(Image.open(written)).shape == (36, 48, 3)  # 37x50 rounded to the nearest multiples of 4


def test_bad_inputs_fail_naming_the_file(run, tmp_path):
    workdir, _ = run
    served = served_from_saved_model(workdir / "export" / "saved_model")
    translator = make_translator(served, TranslateOptions())
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(ExportInputError, match=f"cannot read image {broken}"):
        translate_files(translator, find_samples(translator, broken, None), tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportInputError, match="no images"):
        list_inputs(tmp_path / "empty")
    (tmp_path / "twins").mkdir()
    for name in ("a.png", "a.jpg"):
        Image.new("RGB", (8, 8)).save(tmp_path / "twins" / name)
    with pytest.raises(ExportInputError, match="would both be written as a.png"):
        list_inputs(tmp_path / "twins")
    with pytest.raises(ExportInputError, match="is not a SavedModel folder"):
        served_from_saved_model(workdir)


@pytest.mark.parametrize("paper, options, message", [
    ("cyclegan", {"variants": 2}, "--variants does not apply to cyclegan"),
    ("unit", {"style": ("a.png",)}, "--style does not apply to unit"),
    ("pix2pix", {"interpolate": 3}, "--interpolate does not apply to pix2pix"),
    ("cyclegan", {"seed": 1}, "--seed does not apply to cyclegan"),
    ("spade", {"clusters": "c.npz"}, r"--clusters does not apply to spade \(its translate modes: variants, style"),
    ("munit", {"cluster": "random"}, "--cluster does not apply to munit"),
    ("drit", {"instance_cluster": ("7:1",)}, "--instance_cluster does not apply to drit"),
    ("munit", {"domain": 1}, "--domain does not apply to munit"),
    ("cyclegan", {"instance": "inst/"}, "--instance does not apply to cyclegan: it translates pictures"),
    ("pix2pix", {"endpoint": "serve_b2a"}, "--endpoint=serve_b2a does not apply to pix2pix: it translates with "
                                           "--endpoint serve$"),
    ("drit_md", {"endpoint": "serve_b2a", "domain": 1}, "--endpoint=serve_b2a does not apply to drit_md"),
])
def test_flags_that_do_not_apply_are_errors(paper, options, message):
    with pytest.raises(ExportInputError, match=message):
        check_options(TranslateOptions(**options), paper, get_spec(paper).translate)


def test_every_flag_of_a_paper_with_the_modes_is_accepted():
    check_options(TranslateOptions(variants=2, seed=1, style=("a.png",), interpolate=3, domain=1), "drit_md",
                  get_spec("drit_md").translate)
    check_options(TranslateOptions(instance="i/", clusters="c.npz", cluster="1", instance_cluster=("7:1",),
                                   variants=2, seed=3), "pix2pixhd", get_spec("pix2pixhd").translate)


def test_export_and_translate_tools_refuse_what_does_not_apply(run, inputs, tmp_path):
    workdir, _ = run
    done, refused, styled = run_tools(
        ("export", f"--workdir={workdir}", f"--output={tmp_path}", "--tflite=int8", "--height=32", "--width=64"),
        ("export", f"--workdir={workdir}", f"--output={tmp_path / 'bad'}", "--height=30"),
        ("translate", f"--input={inputs}", f"--output={tmp_path / 'st'}", f"--workdir={workdir}",
         f"--style={inputs / 'rgb.png'}"))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.iterdir()} == {
        "saved_model", "export_info.json", "serve_int8.tflite", "serve_b2a_int8.tflite"}
    loaded = tf.saved_model.load(str(tmp_path / "saved_model"))
    assert loaded.serve(tf.zeros([2, 8, 12, 3])).shape == (2, 8, 12, 3)
    assert refused.returncode == 2
    assert "height and width must be positive multiples of 4" in refused.stderr
    assert not (tmp_path / "bad").exists()
    assert styled.returncode == 2 and "error: --style does not apply to cyclegan" in styled.stderr
    assert not (tmp_path / "st").exists()


def _mixed_folder(folder, inputs):
    """Four good pictures and, sorted first, a corrupt one (a PNG name over bytes that are no image)."""
    folder.mkdir()
    for i in range(4):
        (folder / f"good{i}.png").write_bytes((inputs / "rgb.png").read_bytes())
    (folder / "0bad.png").write_bytes(b"\x89PNG\r\n\x1a\n but then no image")
    return folder


def test_translate_tool_goes_on_past_a_bad_file_and_fail_fast_stops(run, inputs, tmp_path):
    workdir, _ = run
    folder = _mixed_folder(tmp_path / "mixed", inputs)
    goes_on, stops = run_tools(
        ("translate", f"--input={folder}", f"--output={tmp_path / 'on'}", f"--saved_model={workdir / 'export'}"),
        ("translate", f"--input={folder}", f"--output={tmp_path / 'ff'}", f"--saved_model={workdir / 'export'}",
         "--fail_fast"))
    assert goes_on.returncode == 2, goes_on.stderr[-3000:]
    assert f"skipped: cannot read image {folder / '0bad.png'}" in goes_on.stderr
    assert goes_on.stderr.rstrip().endswith("error: translated 4 of 5 files; 1 failed (listed above)")
    assert sorted(p.name for p in (tmp_path / "on").iterdir()) == [f"good{i}.png" for i in range(4)]
    assert stops.returncode == 2 and f"error: cannot read image {folder / '0bad.png'}" in stops.stderr
    assert "skipped" not in stops.stderr and not list((tmp_path / "ff").iterdir())
