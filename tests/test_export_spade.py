"""SPADE endpoints: serve(_uint8), serve_style and style_code match the Keras model in the SavedModel
and as float32 TFLite files, with and without the style encoder; z steers the image (different codes
differ, one code repeats, a photo's code and the interpolation ends reproduce Keras); wrong sizes fail;
label ids outside the classes, a wrong code length and out-of-range style pictures are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import random_images, serving_error, spade_run, tflite_first, tiny_model
from tf_i2i.export import ExportInputError, check_export_args, export_model, run_tflite
from tf_i2i.models.serving.tensors import to_uint8
from tf_i2i.models.codes import interpolate_styles, sample_styles

Z_DIM = 8


@pytest.fixture(scope="module")
def vae(tmp_path_factory):
    _, model, paths, loaded = spade_run(tmp_path_factory)
    return model, paths, loaded


def _labels(model, batch: int, side: int = 32, seed: int = 0) -> dict[str, np.ndarray]:
    """Blocky random label and instance maps (4x4 px cells)."""
    rng = np.random.default_rng(seed)
    cells = (batch, side // 4, side // 4, 1)
    up = lambda a: np.repeat(np.repeat(a, 4, axis=1), 4, axis=2).astype(np.int32)  # noqa: E731
    label = up(rng.integers(0, model.cfg.label_nc, cells))
    return {"label": label, "instance": up(rng.integers(0, 3, cells)) + 1000 * label}


def test_vae_endpoints_match_keras_in_savedmodel_and_tflite(vae):
    model, paths, loaded = vae
    x = _labels(model, 2)
    z = sample_styles(2, Z_DIM, seed=1)
    style = random_images((2, 48, 40, 3), seed=2)
    code = model.style_code(style).numpy()
    cases = {
        "serve": ((x["label"], x["instance"], z), model.synthesize(x, z).numpy()),
        "serve_style": ((x["label"], x["instance"], style[:, :32, :32]),
                        model.synthesize(x, model.style_code(style[:, :32, :32])).numpy()),
        "style_code": ((style[:, :32, :32],), model.style_code(style[:, :32, :32]).numpy()),
    }
    for name, (args, expected) in cases.items():
        np.testing.assert_allclose(getattr(loaded, name)(*args).numpy(), expected, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(tflite_first(paths, name, args), expected[:1], atol=1e-4, err_msg=name)
    np.testing.assert_allclose(loaded.style_code(style).numpy(), code, atol=1e-5)  # any photo size
    np.testing.assert_array_equal(loaded.serve_uint8(x["label"], x["instance"], z).numpy(),
                                  to_uint8(loaded.serve(x["label"], x["instance"], z)).numpy())
    assert set(loaded.signatures) == {"serving_default", "serve", "serve_uint8", "serve_style", "style_code"}
    info = json.loads(paths["export_info"].read_text())
    assert info["model"] == "SPADE" and info["endpoints"]["serve"]["size"] == [32, 32]
    assert info["inputs"]["serve"]["z"] == {"dtype": "float32", "shape": [None, Z_DIM]}


def test_without_the_encoder_serve_takes_the_label_maps_only(tmp_path):
    model = tiny_model("spade", **{"model.generator.use_vae": False})
    paths = export_model(model, tmp_path, tflite=("float32",), height=32, width=32)
    loaded = tf.saved_model.load(str(paths["saved_model"]))
    assert set(loaded.signatures) == {"serving_default", "serve", "serve_uint8"}
    x = _labels(model, 2, seed=3)
    expected = model.synthesize(x).numpy()
    np.testing.assert_allclose(loaded.serve(x["label"], x["instance"]).numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(tflite_first(paths, "serve", (x["label"], x["instance"])), expected[:1], atol=1e-4)
    with pytest.raises(ValueError, match="no style encoder"):
        model.synthesize(x, sample_styles(2, Z_DIM))


def test_style_codes_steer_the_image(vae):
    model, _, loaded = vae
    x = _labels(model, 1, seed=4)
    z = sample_styles(2, Z_DIM, seed=5)
    a, b = (loaded.serve(x["label"], x["instance"], z[i:i + 1]).numpy() for i in range(2))
    assert np.abs(a - b).mean() > 0.02, np.abs(a - b).mean()  # another style, another image
    np.testing.assert_array_equal(a, loaded.serve(x["label"], x["instance"], z[:1]).numpy())
    np.testing.assert_array_equal(model.synthesize(x, z[:1]).numpy(), model.synthesize(x, z[:1]).numpy())
    photos = random_images((2, 40, 56, 3), seed=6)
    photos[1] = -photos[1]
    codes = [model.style_code(photo[None]) for photo in photos]
    path = interpolate_styles(codes[0], codes[1], 4)
    assert path.shape == (4, Z_DIM)
    for end, photo, code in zip((path[:1], path[3:]), photos, codes, strict=True):
        styled = model.synthesize(x, code).numpy()
        np.testing.assert_array_equal(model.synthesize(x, end).numpy(), styled)  # the ends are the codes
        np.testing.assert_allclose(loaded.serve(x["label"], x["instance"], end).numpy(), styled, atol=1e-4)
        np.testing.assert_allclose(loaded.serve_style(x["label"], x["instance"], photo[None]).numpy(), styled,
                                   atol=1e-4)


def test_sizes_other_than_the_output_size_fail_clearly(vae):
    model, _, loaded = vae
    x = _labels(model, 1, side=64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label must be 32x32"):
        loaded.serve(x["label"], x["instance"], sample_styles(1, Z_DIM))
    with pytest.raises(ExportInputError, match="makes 32x32 images only"):
        check_export_args(model, ("float32",), 64, 64)
    with pytest.raises(ValueError, match="at least 2 steps"):
        interpolate_styles(np.zeros(Z_DIM), np.ones(Z_DIM), 1)


def _spade_inputs(label_value: int) -> dict[str, np.ndarray]:
    """serve's inputs with one pixel of the label map at `label_value`, the rest class 0."""
    label = np.zeros((1, 32, 32, 1), np.int32)
    label[0, 5, 7] = label_value
    return {"label": label, "instance": np.zeros_like(label), "z": np.zeros((1, 8), np.float32)}


def test_label_ids_from_the_class_count_on_are_refused_in_savedmodel_and_tflite(vae):
    model, paths, loaded = vae
    classes = model.cfg.label_nc
    for bad in (classes, -1):
        inputs = _spade_inputs(bad)
        message = serving_error(loaded.signatures["serve"], **inputs)
        assert message == (f"tf_i2i endpoint 'serve': input 'label' must hold class ids in [0, {classes}); "
                           f"got id, count of other ids = {bad}, 1")
        with pytest.raises(ExportInputError, match=rf"input 'label' must hold class ids in \[0, {classes}\); "
                                                   rf"got id {bad} \(1 such values\)"):
            run_tflite(paths["serve_float32"], inputs)
    good = _spade_inputs(classes - 1)
    (served,) = loaded.signatures["serve"](**{name: tf.constant(value) for name, value in good.items()}).values()
    np.testing.assert_allclose(run_tflite(paths["serve_float32"], good), served.numpy(), atol=1e-4)


def test_the_z_code_and_the_style_picture_are_checked_too(vae):
    _, _, loaded = vae
    label = np.zeros((1, 32, 32, 1), np.int32)
    message = serving_error(loaded.signatures["serve"], label=label, instance=label,
                               z=np.zeros((1, 7), np.float32))
    assert message == "tf_i2i endpoint 'serve': input 'z' must have shape [batch >= 1, 8]; got shape [1, 7]"
    message = serving_error(loaded.signatures["style_code"], style=np.full((1, 32, 32, 3), 2.0, np.float32))
    assert message.startswith("tf_i2i endpoint 'style_code': input 'style' values must be finite and in [-1, 1]")
