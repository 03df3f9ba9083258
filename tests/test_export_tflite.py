"""TFLite files: builtin ops only (they run on ai-edge-litert), float32/float16/int8 close to Keras.

Tolerances: float32 1e-4 (measured 2e-6); float16 1e-2 (measured 3e-3). Dynamic-range int8
quantizes weights to 8 bits and activations on the fly: measured max 0.05 / mean 0.007 on the tiny
CycleGAN and max 0.14 / mean 0.017 on a 20-step ngf=16 CycleGAN, so the check is max < 0.25,
mean < 0.03 and correlation > 0.99 (an output range of [-1, 1]).
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

from tests.helpers_export import exported, keras_output, random_images, tiny_model  # noqa: F401 (fixture)
from tf_i2i.export import ExportInputError, export_model, run_tflite
from tf_i2i.export.tflite import convert_endpoint


def _assert_builtin_only(path):
    assert b"Flex" not in path.read_bytes(), f"{path} contains Flex (TF) ops"


def test_float32_matches_keras_at_the_fixed_batch(exported):
    """Other batches (fixed or dynamic): test_export_serving_checks.py."""
    model, paths, _ = exported
    for name, (generator, channels) in model.export_generators().items():
        x = random_images((1, 32, 32, channels), seed=1)
        _assert_builtin_only(paths[f"{name}_float32"])
        np.testing.assert_allclose(run_tflite(paths[f"{name}_float32"], x), keras_output(generator, x), atol=1e-4)


def _convert(loaded, name, channels, quantization, path):
    path.write_bytes(convert_endpoint(loaded, name, channels, quantization, 32, 32))
    _assert_builtin_only(path)
    return path


def _tensor_types(path) -> set[str]:
    return {d["dtype"].__name__ for d in Interpreter(model_path=str(path)).get_tensor_details()}


@pytest.mark.parametrize("exported", ["cyclegan"], indirect=True)
def test_float16_and_int8_stay_close_to_keras(exported, tmp_path):
    model, _, loaded = exported
    for name, (generator, channels) in model.export_generators().items():
        x = random_images((1, 32, 32, channels), seed=3)
        reference = keras_output(generator, x)
        half = _convert(loaded, name, channels, "float16", tmp_path / f"{name}_16.tflite")
        assert "float16" in _tensor_types(half)
        np.testing.assert_allclose(run_tflite(half, x), reference, atol=1e-2)
        quantized = _convert(loaded, name, channels, "int8", tmp_path / f"{name}_8.tflite")
        assert "int8" in _tensor_types(quantized)
        out = run_tflite(quantized, x)
        error = np.abs(out - reference)
        assert np.isfinite(out).all() and error.max() < 0.25 and error.mean() < 0.03
        assert np.corrcoef(out.ravel(), reference.ravel())[0, 1] > 0.99


def test_run_tflite_checks_its_input(exported):
    _, paths, _ = exported
    with pytest.raises(ExportInputError, match="takes float32 images, got uint8"):
        run_tflite(paths["serve_float32"], np.zeros((1, 32, 32, 3), np.uint8))
    with pytest.raises(ExportInputError, match=r"shape \[1, 32, 32, 3\] \(None: any size >= 1\), got \(1, 64, 32, 3\)"):
        run_tflite(paths["serve_float32"], np.zeros((1, 64, 32, 3), np.float32))


def test_mixed_bfloat16_model_exports_in_float32(tmp_path):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # as train() leaves it when export_model runs
    try:
        model = tiny_model("pix2pix")
        paths = export_model(model, tmp_path, tflite=("float32",), height=32, width=32)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    generator = model.export_generators()["serve"][0]
    x = random_images((1, 32, 32, 3))
    loaded = tf.saved_model.load(str(paths["saved_model"]))
    served = loaded.serve(x).numpy()
    np.testing.assert_allclose(run_tflite(paths["serve_float32"], x), served, atol=1e-4)
    np.testing.assert_allclose(served, keras_output(generator, x), atol=2e-2)  # bfloat16 maths: 2e-3 measured


def test_export_info_names_every_files_input_shapes_one_way(exported):
    """One key, 'input_shapes' by input name, for one-image and multi-input endpoints alike."""
    _, paths, _ = exported
    info = json.loads(Path(paths["export_info"]).read_text())
    assert info["tflite"], "the fixture exports TFLite files"
    for name, entry in info["tflite"].items():
        assert set(entry) == {"endpoint", "quantization", "input_shapes"}, name
        images = [shape for shape in entry["input_shapes"].values() if len(shape) == 4]
        assert images and all(shape[:3] == [1, 32, 32] for shape in images), name
