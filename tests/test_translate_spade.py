"""tools/translate.py's SPADE mode end to end on a tiny use_vae run folder and its export: random
styles (--variants, seeded), a photo's style (--style) and the path between two (--interpolate),
checkpoint and SavedModel modes agreeing; label maps of another size are resized to the model's."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_export import random_images, run_tools, spade_run
from tf_i2i.data import write_synthetic_dataset
from tf_i2i.export import ExportInputError
from tf_i2i.export.code_choice import choose_codes
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.preprocess import UNCHANGED
from tf_i2i.export.samples import read_ids
from tf_i2i.export.served import ServedEndpoint, ServedModel
from tf_i2i.export.translate import make_translator
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.registry import get_spec


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The run folder, its model and export; a 36x40 test set; two style photos of other sizes."""
    workdir, model, _, _ = spade_run(tmp_path_factory)
    data = write_synthetic_dataset(tmp_path_factory.mktemp("data"), "labels", 2, (36, 40), split="test")
    styles = tmp_path_factory.mktemp("styles")
    for i, shape in enumerate(((48, 40, 3), (24, 64, 3))):
        pixels = to_uint8(random_images(shape, seed=i) * (1 if i else -1)).numpy()
        Image.fromarray(pixels).save(styles / f"s{i}.png")
    return workdir, model, data, styles


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("*.png"))}


def test_both_modes_agree_for_random_copied_and_interpolated_styles(run, tmp_path):
    workdir, model, data, styles = run
    ckpt, saved = f"--workdir={workdir}", f"--saved_model={workdir / 'export'}"
    labels = (f"--input={data / 'test_label'}", f"--instance={data / 'test_inst'}")
    variants_ckpt, variants_sm, styled, path = run_tools(
        ("translate", f"--input={data}", f"--output={tmp_path / 'vc'}", ckpt, "--variants=2", "--seed=3"),
        ("translate", *labels, f"--output={tmp_path / 'vs'}", saved, "--variants=2", "--seed=3"),
        ("translate", *labels, f"--output={tmp_path / 'st'}", ckpt, f"--style={styles / 's0.png'}"),
        ("translate", *labels, f"--output={tmp_path / 'ip'}", saved, "--interpolate=3",
         f"--style={styles / 's0.png'},{styles / 's1.png'}"), timeout=300)
    for done in (variants_ckpt, variants_sm, styled, path):
        assert done.returncode == 0, done.stderr
    assert "translated 4/4" in variants_ckpt.stderr and "translated 6/6" in path.stderr
    a, b = _outputs(tmp_path / "vc"), _outputs(tmp_path / "vs")
    stems = [f"scene_{i:05d}_gtFine_labelIds" for i in range(2)]
    assert set(a) == set(b) == {f"{s}_v{v}" for s in stems for v in range(2)}
    assert all(x.shape == (32, 32, 3) for x in a.values())  # the model's size, not the label maps' 36x40
    for stem in a:
        assert np.abs(a[stem] - b[stem]).max() <= 1  # float rounding of two TF graphs
    assert np.abs(a[f"{stems[0]}_v0"] - a[f"{stems[0]}_v1"]).mean() > 2  # two styles, two looks
    copied, between = _outputs(tmp_path / "st"), _outputs(tmp_path / "ip")
    assert set(between) == {f"{s}_i{k}" for s in stems for k in range(3)}
    for stem in stems:
        assert np.abs(copied[stem] - between[f"{stem}_i0"]).max() <= 1  # the path starts at s0's style
        maps = {"label": data / "test_label" / f"{stem}.png",
                "instance": data / "test_inst" / f"{stem.replace('labelIds', 'instanceIds')}.png"}
        batch = {k: tf.image.resize(read_ids(path, k), (32, 32), method="nearest")[None] for k, path in maps.items()}
        photo = to_float(tf.io.decode_png(tf.io.read_file(str(styles / "s1.png"))))[None]
        keras_b = to_uint8(model.synthesize(batch, model.style_code(photo))).numpy()[0]
        assert np.abs(between[f"{stem}_i2"] - keras_b).max() <= 1  # ... and ends at s1's


def test_style_flags_are_checked():
    def code_of(path: str) -> np.ndarray:
        return np.full([8], float(len(path)), np.float32)

    codes = choose_codes(code_of, 8, variants=3, seed=1)
    assert list(codes) == ["_v0", "_v1", "_v2"] and codes["_v0"].shape == (8,)
    np.testing.assert_array_equal(choose_codes(code_of, 8, variants=3, seed=1)["_v2"], codes["_v2"])
    assert list(choose_codes(code_of, 8, styles=["a.png", "bb.png"], interpolate=3)) == ["_i0", "_i1", "_i2"]
    with pytest.raises(ExportInputError, match="needs two --style"):
        choose_codes(code_of, 8, styles=["a.png"], interpolate=3)
    with pytest.raises(ExportInputError, match="one picture"):
        choose_codes(code_of, 8, styles=["a.png"], variants=2)


def test_a_spade_without_style_encoder_refuses_code_flags():
    """use_vae=False: the serve endpoint takes no z, so the spec's modes are not enough."""
    label = tf.TensorSpec([None, None, None, 1], tf.int32, "label")
    plain = ServedModel("spade", get_spec("spade").translate, UNCHANGED,
                        {"serve": ServedEndpoint("serve", None, (label,), 1, (32, 32), {})})
    assert [o.z for o in make_translator(plain, TranslateOptions()).outputs] == [None]
    with pytest.raises(ExportInputError, match="this spade model takes no code or features .*takes label"):
        make_translator(plain, TranslateOptions(variants=2))
