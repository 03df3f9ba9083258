"""tools/translate.py's DRIT mode end to end on a tiny run folder (one-channel A, three-channel B) and
its export: random attributes (--variants, seeded), the attributes between two references
(--interpolate), a reference's attribute B -> A (--style, --endpoint=serve_b2a), both modes matching
the Keras model (so the checkpoint restores it); wrong endpoints and references under 16 px fail clearly."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_drit_run import NZ, drit_run
from tests.helpers_export import random_images, run_tools
from tf_i2i.export import ExportInputError
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.served import served_from_saved_model
from tf_i2i.export.translate import make_translator
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.models.codes import sample_styles


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The run folder and its model; A inputs (grey, one of a size that is not a multiple of 4); a B
    input; references: two of domain B at other sizes, one of domain A, one of B too small."""
    workdir, model, _, _ = drit_run(tmp_path_factory)
    folders = {name: tmp_path_factory.mktemp(name) for name in ("a", "b", "refs")}
    images = (((32, 32, 1), "a"), ((30, 44, 1), "a"), ((32, 32, 3), "b"), ((48, 40, 3), "refs"),
              ((24, 64, 3), "refs"), ((40, 40, 1), "refs"), ((12, 40, 3), "refs"))
    for i, (shape, folder) in enumerate(images):
        pixels = to_uint8(random_images(shape, seed=i) * (1 if i % 2 else -1)).numpy()
        Image.fromarray(pixels[..., 0] if shape[-1] == 1 else pixels).save(folders[folder] / f"x{i}.png")
    return workdir, model, folders


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("*.png"))}


def _read(path) -> tf.Tensor:
    """A PNG as a float batch of one in [-1, 1]."""
    return to_float(tf.io.decode_png(tf.io.read_file(str(path))))[None]


def _keras(model, image_path, direction: str, code) -> np.ndarray:
    """uint8 [H, W, C]: what DRIT.translate makes of a PNG with one code."""
    return to_uint8(model.translate(_read(image_path), direction, np.asarray(code, np.float32)[None])).numpy()[0]


def test_checkpoint_and_savedmodel_modes_match_keras(run, tmp_path):
    """Random attributes (checkpoint), the path between two references (SavedModel) and a
    reference's attribute B -> A (checkpoint), each against DRIT.translate with the same codes."""
    workdir, model, folders = run
    refs, a_in = folders["refs"], f"--input={folders['a']}"
    none = "--preprocess=none"  # the inputs at their own size, to compare with the Keras model on them
    results = run_tools(
        ("translate", a_in, f"--output={tmp_path / 'v'}", f"--workdir={workdir}", "--variants=2", "--seed=3", none),
        ("translate", a_in, f"--output={tmp_path / 'i'}", f"--saved_model={workdir / 'export'}", "--interpolate=3",
         f"--style={refs / 'x3.png'},{refs / 'x4.png'}", none),
        ("translate", f"--input={folders['b']}", f"--output={tmp_path / 'ba'}", f"--workdir={workdir}",
         "--endpoint=serve_b2a", f"--style={refs / 'x5.png'}", none),
    )
    for done in results:
        assert done.returncode == 0, done.stderr[-3000:]
    assert "translated 4/4" in results[0].stderr and "translated 6/6" in results[1].stderr
    variants, between, reverse = (_outputs(tmp_path / name) for name in ("v", "i", "ba"))
    assert set(variants) == {f"x{i}_v{v}" for i in (0, 1) for v in (0, 1)}
    assert variants["x1_v0"].shape == (32, 44, 3)  # 30x44 rounded to multiples of 4
    x0 = folders["a"] / "x0.png"
    for v, z in enumerate(sample_styles(2, NZ, seed=3)):  # tools/translate.py's codes for --variants=2 --seed=3
        assert np.abs(variants[f"x0_v{v}"] - _keras(model, x0, "a2b", z)).max() <= 1  # float rounding of two graphs
    assert np.abs(variants["x0_v0"] - variants["x0_v1"]).mean() > 0.5  # two attributes, two outputs
    assert set(between) == {f"x{i}_i{k}" for i in (0, 1) for k in range(3)}
    for k, ref in ((0, "x3.png"), (2, "x4.png")):  # the path runs from x3's attribute to x4's
        code = model.attribute_code(_read(refs / ref), "b")[0]
        assert np.abs(between[f"x0_i{k}"] - _keras(model, x0, "a2b", code)).max() <= 1
    code = model.attribute_code(_read(refs / "x5.png"), "a")[0]
    assert set(reverse) == {"x2"} and reverse["x2"].shape == (32, 32)  # B -> A: one-channel images
    assert np.abs(reverse["x2"] - _keras(model, folders["b"] / "x2.png", "b2a", code)[..., 0]).max() <= 1


def test_wrong_endpoints_and_small_references_fail_clearly(run):
    workdir, _, folders = run
    served = served_from_saved_model(workdir / "export")
    with pytest.raises(ExportInputError, match="serve or serve_b2a"):
        make_translator(served, TranslateOptions(endpoint="serve_guided"))
    translator = make_translator(served, TranslateOptions())
    assert translator.endpoint.spec("image").shape[-1] == 1 and translator.outputs[0].z.shape == (NZ,)
    assert served.endpoints["attribute_code"].spec("style").shape[-1] == 3
    with pytest.raises(ExportInputError, match=r"x6.png: tf_i2i endpoint 'attribute_code': style height and width "
                                               r"must be at least 16; got height, width = 12, 40"):
        make_translator(served, TranslateOptions(style=(str(folders["refs"] / "x6.png"),)))
