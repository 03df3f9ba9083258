"""tools/translate.py's MUNIT mode end to end on a tiny run folder (one-channel A, three-channel B) and
its export: random styles (--variants, seeded), a reference's style (--style), the styles between two
(--interpolate) and B -> A (--endpoint=serve_b2a), the checkpoint and SavedModel modes agreeing."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_munit import munit_run
from tests.helpers_export import random_images, run_tools
from tf_i2i.export import ExportInputError
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.served import served_from_workdir
from tf_i2i.export.translate import make_translator
from tf_i2i.models.serving.tensors import to_float, to_uint8


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The run folder and its model; A inputs (grey, one of a size that is not a multiple of 4);
    B inputs; style references of both domains at other sizes."""
    workdir, model, _, _ = munit_run(tmp_path_factory)
    folders = {name: tmp_path_factory.mktemp(name) for name in ("a", "b", "refs")}
    for i, (shape, folder) in enumerate((((32, 32, 1), "a"), ((30, 44, 1), "a"), ((32, 32, 3), "b"),
                                         ((48, 40, 3), "refs"), ((24, 64, 3), "refs"), ((40, 40, 1), "refs"))):
        pixels = to_uint8(random_images(shape, seed=i) * (1 if i % 2 else -1)).numpy()
        Image.fromarray(pixels[..., 0] if shape[-1] == 1 else pixels).save(folders[folder] / f"x{i}.png")
    return workdir, model, folders


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("*.png"))}


def test_modes_agree_for_random_copied_interpolated_and_reverse_styles(run, tmp_path):
    workdir, model, folders = run
    ckpt, saved = f"--workdir={workdir}", f"--saved_model={workdir / 'export'}"
    refs = folders["refs"]
    a_in, b_in = f"--input={folders['a']}", f"--input={folders['b']}"
    none = "--preprocess=none"  # the inputs at their own size, to compare with the Keras model on them
    results = run_tools(
        ("translate", a_in, f"--output={tmp_path / 'vc'}", ckpt, "--variants=2", "--seed=3", none),
        ("translate", a_in, f"--output={tmp_path / 'vs'}", saved, "--variants=2", "--seed=3", none),
        ("translate", a_in, f"--output={tmp_path / 'st'}", saved, f"--style={refs / 'x3.png'}", none),
        ("translate", a_in, f"--output={tmp_path / 'ip'}", ckpt, "--interpolate=3",
         f"--style={refs / 'x3.png'},{refs / 'x4.png'}", none),
        ("translate", b_in, f"--output={tmp_path / 'ba'}", saved, "--endpoint=serve_b2a", f"--style={refs / 'x5.png'}",
         "--output_size=input"),
    )
    for done in results:
        assert done.returncode == 0, done.stderr[-3000:]
    assert "translated 4/4" in results[0].stderr and "translated 6/6" in results[3].stderr
    a, b = _outputs(tmp_path / "vc"), _outputs(tmp_path / "vs")
    assert set(a) == set(b) == {f"x{i}_v{v}" for i in (0, 1) for v in (0, 1)}
    assert a["x0_v0"].shape == (32, 32, 3) and a["x1_v0"].shape == (32, 44, 3)  # 30x44 rounded to multiples of 4
    for stem in a:
        assert np.abs(a[stem] - b[stem]).max() <= 1  # float rounding of two TF graphs
    assert np.abs(a["x0_v0"] - a["x0_v1"]).mean() > 0.5  # two styles, two outputs
    copied, between = _outputs(tmp_path / "st"), _outputs(tmp_path / "ip")
    assert set(between) == {f"x{i}_i{k}" for i in (0, 1) for k in range(3)}
    assert np.abs(copied["x0"] - between["x0_i0"]).max() <= 1  # the path starts at x3's style ...
    image = to_float(tf.io.decode_png(tf.io.read_file(str(folders["a"] / "x0.png"))))[None]
    ref = to_float(tf.io.decode_png(tf.io.read_file(str(refs / "x4.png"))))[None]
    keras_end = to_uint8(model.translate(image, style=model.style_code(ref, "b"))).numpy()[0]
    assert np.abs(between["x0_i2"] - keras_end).max() <= 1  # ... and ends at x4's
    reverse = _outputs(tmp_path / "ba")
    assert set(reverse) == {"x2"} and reverse["x2"].shape == (32, 32)  # B -> A: one-channel, at the input's size


def test_wrong_endpoints_and_flags_fail_clearly(run):
    workdir, _, folders = run
    served = served_from_workdir(workdir)
    with pytest.raises(ExportInputError, match="serve or serve_b2a"):
        make_translator(served, TranslateOptions(endpoint="serve_guided"))
    reference = (str(folders["refs"] / "x5.png"),)
    translator = make_translator(served, TranslateOptions(endpoint="serve_b2a", style=reference))
    assert translator.endpoint.name == "serve_b2a" and translator.endpoint.spec("image").shape[-1] == 3
    assert served.endpoints["style_code_b2a"].spec("style").shape[-1] == 1  # A's references: one channel
    assert [(o.suffix, o.z.shape) for o in translator.outputs] == [("", (8,))]
    with pytest.raises(ExportInputError, match="a picture is one style"):
        make_translator(served, TranslateOptions(endpoint="serve_b2a", variants=2, style=reference))
