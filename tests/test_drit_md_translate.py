"""tools/translate.py's multi-domain DRIT++ mode end to end on a tiny run folder (3 domains, no
training) and its export: random attributes (--variants, seeded), a reference's attribute (--style)
and the attributes between two references (--interpolate), each to the --domain target and matching
MDMM.translate from the checkpoint and the SavedModel; a missing or out-of-range --domain and
--endpoint=serve_b2a fail clearly."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_drit import tiny_mdmm_config
from tests.helpers_drit_run import perturbed_generators
from tests.helpers_export import random_images, run_tools
from tf_i2i.export import ExportInputError, Preprocessing, export_model
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.served import served_from_saved_model
from tf_i2i.export.translate import make_translator
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.models.codes import sample_styles
from tf_i2i.training.checkpoint import TrainCheckpoint
from tf_i2i.training.loop import save_config

NZ = 8  # configs/drit_md: the official nz


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The run folder (exported to RUN/export, SavedModel only) and its model; inputs (one of a size
    that is not a multiple of 4) and two references at other sizes."""
    workdir = tmp_path_factory.mktemp("mdmm_run")
    config = tiny_mdmm_config()
    model = perturbed_generators(config)  # the generators, moved off their initial weights
    save_config(config, workdir)
    TrainCheckpoint(workdir, {"network_weights": model.network_weights(generators_only=True)}).save(1)
    export_model(model, workdir / "export", tflite=(), height=32, width=32, preprocessing=Preprocessing.of(config.data))
    folders = {name: tmp_path_factory.mktemp(name) for name in ("inputs", "refs")}
    for i, (shape, folder) in enumerate((((32, 32, 3), "inputs"), ((30, 44, 3), "inputs"), ((48, 40, 3), "refs"),
                                         ((24, 64, 3), "refs"))):
        pixels = to_uint8(random_images(shape, seed=i) * (1 if i % 2 else -1)).numpy()
        Image.fromarray(pixels).save(folders[folder] / f"x{i}.png")
    return workdir, model, folders


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("*.png"))}


def _read(path) -> tf.Tensor:
    """A PNG as a float batch of one in [-1, 1]."""
    return to_float(tf.io.decode_png(tf.io.read_file(str(path))))[None]


def _keras(model, image_path, domain: int, code) -> np.ndarray:
    """uint8 [H, W, C]: what MDMM.translate makes of a PNG with one code."""
    return to_uint8(model.translate(_read(image_path), domain, np.asarray(code, np.float32)[None])).numpy()[0]


def test_checkpoint_and_savedmodel_modes_match_keras(run, tmp_path):
    """Random attributes to domain 2 (checkpoint), a reference's to domain 0 (checkpoint), the path
    between two references' to domain 1 (SavedModel), each against MDMM.translate with the same
    codes."""
    workdir, model, folders = run
    refs, inputs = folders["refs"], f"--input={folders['inputs']}"
    ckpt, saved = f"--workdir={workdir}", f"--saved_model={workdir / 'export'}"
    none = "--preprocess=none"  # the inputs at their own size, to compare with the Keras model on them
    results = run_tools(
        ("translate", inputs, f"--output={tmp_path / 'v'}", ckpt, "--domain=2", "--variants=2", "--seed=3", none),
        ("translate", inputs, f"--output={tmp_path / 's'}", ckpt, "--domain=0", f"--style={refs / 'x2.png'}", none),
        ("translate", inputs, f"--output={tmp_path / 'i'}", saved, "--domain=1", "--interpolate=3",
         f"--style={refs / 'x2.png'},{refs / 'x3.png'}", none),
    )
    for done in results:
        assert done.returncode == 0, done.stderr[-3000:]
    assert "translated 4/4" in results[0].stderr and "translated 6/6" in results[2].stderr
    variants, copied, between = (_outputs(tmp_path / name) for name in ("v", "s", "i"))
    assert set(variants) == {f"x{i}_v{v}" for i in (0, 1) for v in (0, 1)}
    assert variants["x1_v0"].shape == (32, 44, 3)  # 30x44 rounded to multiples of 4
    x0 = folders["inputs"] / "x0.png"
    for v, z in enumerate(sample_styles(2, NZ, seed=3)):  # tools/translate.py's codes for --variants=2 --seed=3
        assert np.abs(variants[f"x0_v{v}"] - _keras(model, x0, 2, z)).max() <= 1  # float rounding of two graphs
    assert np.abs(variants["x0_v0"] - variants["x0_v1"]).mean() > 0.5  # two attributes, two outputs
    assert set(copied) == {"x0", "x1"}
    code = model.attribute_code(_read(refs / "x2.png"), 0)[0]
    assert np.abs(copied["x0"] - _keras(model, x0, 0, code)).max() <= 1
    assert set(between) == {f"x{i}_i{k}" for i in (0, 1) for k in range(3)}
    for k, ref in ((0, "x2.png"), (2, "x3.png")):  # the path runs from x2's attribute to x3's, both of domain 1
        code = model.attribute_code(_read(refs / ref), 1)[0]
        assert np.abs(between[f"x0_i{k}"] - _keras(model, x0, 1, code)).max() <= 1


@pytest.mark.parametrize("endpoint, domain, message", [
    ("serve", None, r"any of its 3 domains: --domain must be the target's id, 0..2 .*none given"),
    ("serve", 3, r"--domain must be the target's id, 0..2 \(the data folders \{split\}A, .*got 3"),
    ("serve", -1, r"0..2 .*got -1"),
    ("serve_b2a", 1, r"--endpoint=serve_b2a does not apply to drit_md: it translates with --endpoint serve$"),
])
def test_missing_or_wrong_domains_and_endpoints_fail_clearly(run, endpoint, domain, message):
    workdir, _, _ = run
    with pytest.raises(ExportInputError, match=message):
        make_translator(served_from_saved_model(workdir / "export"), TranslateOptions(endpoint=endpoint, domain=domain))
