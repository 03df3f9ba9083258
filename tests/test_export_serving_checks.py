"""Serving endpoints check their inputs: a wrong rank, channel count, batch 0, a 0x0 image, NaN or
out-of-range values (check_range) and class ids >= the class count are errors naming the input and
what it must be, in the SavedModel (through its signatures, as TF Serving calls them) and in the
.tflite files (fixed shapes the interpreter refuses to change; value checks in run_tflite).

The model is the session's tiny CycleGAN export (tests/helpers_export.py); class ids are tested on
SPADE's export in test_export_spade.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import exported_model, keras_output, random_images, serving_error, tiny_config
from tf_i2i.export import ExportInputError, export_settings, run_tflite
from tf_i2i.export.tflite import convert_endpoint
from tf_i2i.models.serving.checks import IdRange

IMAGE_SHAPE = r"input 'image' must have shape \[batch >= 1, height >= 1, width >= 1, 3\]; got shape "
BAD_IMAGES = {  # name -> (array, the end of the message)
    "rank 3": (np.zeros((32, 32, 3), np.float32), IMAGE_SHAPE + r"\[32, 32, 3\]"),
    "1 channel": (np.zeros((1, 32, 32, 1), np.float32), IMAGE_SHAPE + r"\[1, 32, 32, 1\]"),
    "batch 0": (np.zeros((0, 32, 32, 3), np.float32), IMAGE_SHAPE + r"\[0, 32, 32, 3\]"),
    "0x0": (np.zeros((1, 0, 0, 3), np.float32), IMAGE_SHAPE + r"\[1, 0, 0, 3\]"),
    "NaN": (np.full((1, 32, 32, 3), np.nan, np.float32),
            r"input 'image' values must be finite and in \[-1, 1\] \(check_range\); got min, max, count of NaN/inf = "
            r"nan, nan, 3072"),
    "out of range": (np.full((1, 32, 32, 3), 255.0, np.float32),
                     r"input 'image' values must be finite and in \[-1, 1\] \(check_range\); got min, max, count "
                     r"of NaN/inf = 255, 255, 0"),
}


@pytest.fixture(scope="module")
def cyclegan(tmp_path_factory):
    return exported_model("cyclegan", tmp_path_factory)


@pytest.mark.parametrize("case", BAD_IMAGES)
def test_savedmodel_refuses_each_bad_image_naming_the_input(cyclegan, case):
    _, _, loaded = cyclegan
    array, expected = BAD_IMAGES[case]
    message = serving_error(loaded.signatures["serve"], image=array)
    assert re.fullmatch("tf_i2i endpoint 'serve': " + expected, message), message


def test_uint8_endpoint_checks_shapes_and_the_float_one_passes_good_input(cyclegan):
    model, _, loaded = cyclegan
    message = serving_error(loaded.signatures["serve_uint8"], image=np.zeros((0, 32, 32, 3), np.uint8))
    assert message.startswith("tf_i2i endpoint 'serve_uint8': input 'image' must have shape")
    x = random_images((2, 32, 32, 3))
    (out,) = loaded.signatures["serve"](image=tf.constant(x)).values()
    np.testing.assert_allclose(out.numpy(), keras_output(model.export_generators()["serve"][0], x), atol=1e-5)


def test_check_range_off_lets_values_through_but_not_shapes(cyclegan):
    model, _, _ = cyclegan
    endpoint = model.export_endpoints()[0]
    serve = tf.function(endpoint.checked_fn(check_range=False), input_signature=list(endpoint.inputs))
    assert serve(np.full((1, 32, 32, 3), 5.0, np.float32)).shape == (1, 32, 32, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="got shape"):
        serve.get_concrete_function()(tf.zeros((0, 32, 32, 3)))
    assert export_settings(tiny_config("cyclegan").export)["check_range"] is True  # the documented default


def test_export_info_records_the_checks_and_fixed_tflite_shapes(cyclegan):
    _, paths, _ = cyclegan
    info = json.loads(paths["export_info"].read_text())
    assert info["check_range"] is True and info["endpoints"]["serve"]["image_inputs"] == ["image"]
    assert info["tflite"]["serve_float32.tflite"]["input_shapes"] == {"image": [1, 32, 32, 3]}


_PROBE = """
import json, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter
refused = {}
for path in sys.argv[1:]:
    for shape in ([0, 32, 32, 3], [2, 32, 32, 3], [1, 0, 0, 3], [1, 32, 32, 1], [32, 32, 3]):
        interpreter = Interpreter(model_path=path)
        try:
            interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], shape, strict=True)
            interpreter.allocate_tensors()
            interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.zeros(shape, np.float32))
            interpreter.invoke()
            refused[f"{path} {shape}"] = False
        except (ValueError, RuntimeError):
            refused[f"{path} {shape}"] = True
print(json.dumps(refused))
"""


def test_fixed_shape_tflite_files_refuse_other_shapes_without_crashing(cyclegan, tmp_path):
    """int8 is the file whose dynamic batch aborted LiteRT on batch 0 (a subprocess: an abort
    would otherwise take pytest down)."""
    _, paths, loaded = cyclegan
    int8 = tmp_path / "serve_int8.tflite"
    int8.write_bytes(convert_endpoint(loaded, "serve", 3, "int8", 32, 32))
    probe = subprocess.run([sys.executable, "-c", _PROBE, str(paths["serve_float32"]), str(int8)],
                           capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-2000:]
    refused = json.loads(probe.stdout.splitlines()[-1])
    assert len(refused) == 10 and all(refused.values()), refused


@pytest.mark.parametrize("batch", [2, 0])
def test_tflite_batch_choices_match_keras(cyclegan, tmp_path, batch):
    """--tflite_batch=2 fixes batch 2; 0 is the dynamic batch, whose batch >= 1 contract run_tflite keeps."""
    model, _, loaded = cyclegan
    path = tmp_path / "serve.tflite"
    path.write_bytes(convert_endpoint(loaded, "serve", 3, "float32", 32, 32, batch))
    x = random_images((2, 32, 32, 3), seed=5)
    np.testing.assert_allclose(run_tflite(path, x), keras_output(model.export_generators()["serve"][0], x), atol=1e-4)
    expected = r"\[None, 32, 32, 3\]" if batch == 0 else r"\[2, 32, 32, 3\]"
    with pytest.raises(ExportInputError, match=expected + r" \(None: any size >= 1\), got \(0, 32, 32, 3\)"):
        run_tflite(path, np.zeros((0, 32, 32, 3), np.float32))


@pytest.mark.parametrize("case", BAD_IMAGES)
def test_run_tflite_refuses_each_bad_image(cyclegan, case):
    _, paths, _ = cyclegan
    array, _ = BAD_IMAGES[case]
    expected = ("values must be finite and in \\[-1, 1\\] \\(check_range\\)" if case in ("NaN", "out of range")
                else r"takes images of shape \[1, 32, 32, 3\]")
    with pytest.raises(ExportInputError, match=expected):
        run_tflite(paths["serve_float32"], array)


def test_dontcare_id_and_its_mapped_id_are_class_ids():
    ids = IdRange(4, dontcare_label=255)
    np.testing.assert_array_equal(ids.valid(np.array([0, 3, 4, 255, 5, 254, -1])),
                                  [True, True, True, True, False, False, False])
    assert IdRange.from_json(ids.to_json()) == ids and IdRange.from_json(IdRange(4).to_json()) == IdRange(4)
