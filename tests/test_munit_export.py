"""MUNIT endpoints: serve(_uint8), serve_guided(_uint8), style_code and their _b2a counterparts match
the Keras model in the SavedModel and as float32 TFLite files (one-channel A, three-channel B); a
run folder's checkpoint restores the same model; codes steer the image; wrong sizes fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_munit import STYLE_DIM, munit_run
from tests.helpers_export import random_images, tflite_first
from tf_i2i.export import load_trained_model
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.models.codes import sample_styles

ENDPOINTS = {f"{name}{suffix}" for name in ("serve", "serve_guided", "style_code") for suffix in ("", "_b2a")}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return munit_run(tmp_path_factory)


@pytest.mark.parametrize("direction, suffix, channels", [("a2b", "", (1, 3)), ("b2a", "_b2a", (3, 1))])
def test_endpoints_match_keras_in_savedmodel_and_tflite(run, direction, suffix, channels):
    _, model, paths, loaded = run
    source, target = "ab" if direction == "a2b" else "ba"
    x = random_images((2, 32, 32, channels[0]), seed=1)
    z = sample_styles(2, STYLE_DIM, seed=2)
    reference = random_images((2, 32, 32, channels[1]), seed=3)
    code = model.style_code(reference, target).numpy()
    cases = {
        "serve": ((x, z), model.translate(x, direction, z).numpy()),
        "serve_guided": ((x, reference), model.translate(x, direction, code).numpy()),
        "style_code": ((reference,), code),
    }
    for name, (args, expected) in cases.items():
        name += suffix
        np.testing.assert_allclose(getattr(loaded, name)(*args).numpy(), expected, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(tflite_first(paths, name, args), expected[:1], atol=1e-4, err_msg=name)
    other_size = random_images((1, 40, 24, channels[1]), seed=4)  # references of any size
    np.testing.assert_allclose(getattr(loaded, "style_code" + suffix)(other_size).numpy(),
                               model.style_code(other_size, target).numpy(), atol=1e-5)
    pixels = to_uint8(x).numpy()
    served = getattr(loaded, f"serve{suffix}_uint8")(pixels, z).numpy().astype(int)
    by_hand = to_uint8(getattr(loaded, "serve" + suffix)(to_float(pixels), z)).numpy().astype(int)
    assert np.abs(served - by_hand).max() <= 1  # float rounding of two TF graphs
    guided = getattr(loaded, f"serve_guided{suffix}_uint8")(pixels, to_uint8(reference)).numpy()
    assert guided.dtype == np.uint8 and guided.shape == (2, 32, 32, channels[1])
    assert source != target


def test_signatures_and_export_info(run):
    _, _, paths, loaded = run
    assert set(loaded.signatures) == ENDPOINTS | {"serving_default", "serve_uint8", "serve_b2a_uint8",
                                                  "serve_guided_uint8", "serve_guided_b2a_uint8"}
    info = json.loads(paths["export_info"].read_text())
    assert info["model"] == "MUNIT" and set(info["endpoints"]) == ENDPOINTS
    assert info["inputs"]["serve"] == {"image": {"dtype": "float32", "shape": [None, None, None, 1]},
                                       "z": {"dtype": "float32", "shape": [None, STYLE_DIM]}}
    assert info["inputs"]["style_code_b2a"]["style"]["shape"] == [None, None, None, 1]
    assert {f"{name}_float32" for name in ENDPOINTS} <= set(paths)


def test_style_codes_steer_the_served_image(run):
    _, _, _, loaded = run
    x = random_images((1, 32, 32, 1), seed=5)
    a, b = (loaded.serve(x, z).numpy() for z in np.split(sample_styles(2, STYLE_DIM, seed=6), 2))
    assert np.abs(a - b).mean() > 1e-3, np.abs(a - b).mean()
    np.testing.assert_array_equal(a, loaded.serve(x, sample_styles(2, STYLE_DIM, seed=6)[:1]).numpy())


def test_checkpoint_restores_the_trained_generators(run):
    workdir, model, _, _ = run
    restored = load_trained_model(workdir)
    x, z = random_images((1, 32, 32, 1), seed=7), sample_styles(1, STYLE_DIM, seed=8)
    np.testing.assert_allclose(restored.translate(x, style=z).numpy(), model.translate(x, style=z).numpy(), atol=1e-6)


def test_image_sizes_that_are_not_multiples_fail_clearly(run):
    _, _, _, loaded = run
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiples of 4"):
        loaded.serve(random_images((1, 30, 32, 1)), sample_styles(1, STYLE_DIM))
