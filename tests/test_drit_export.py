"""DRIT endpoints: serve(_uint8), serve_guided(_uint8), attribute_code and their _b2a counterparts match
DRIT.translate / attribute_code in the SavedModel, and the A -> B ones as float32 TFLite files
(concat=1, one-channel A, three-channel B); codes steer the image; references under 16 px and image
sizes that are not multiples of 4 fail clearly; a concat=0 DRIT (plain attribute encoder, MisINS
generator) trained in mixed precision exports in float32. Restoring the run folder's checkpoint is
checked by tests/test_drit_translate.py (its checkpoint mode against the Keras model)."""

from __future__ import annotations

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_drit_run import NZ, drit_config, drit_run, perturbed_generators
from tests.helpers_export import random_images
from tf_i2i.export import export_model, run_tflite
from tf_i2i.export.info import read_endpoint
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.export.tflite import convert_endpoint
from tf_i2i.models.drit.model import DIRECTIONS
from tf_i2i.models.codes import sample_styles

ENDPOINTS = {f"{name}{suffix}" for name in ("serve", "serve_guided", "attribute_code") for suffix in ("", "_b2a")}
CHANNELS = {"a": 1, "b": 3}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return drit_run(tmp_path_factory)


def _cases(model, direction: str, seed: int, reference_size: tuple[int, int] = (48, 40)
           ) -> dict[str, tuple[tuple, np.ndarray]]:
    """Endpoint name (no suffix) -> (its inputs, what DRIT.translate / attribute_code give): 32 px
    images, N(0, I) codes, references of the target domain."""
    source, target = DIRECTIONS[direction]
    x = random_images((2, 32, 32, CHANNELS[source]), seed=seed)
    z = sample_styles(2, NZ, seed=seed + 1)
    reference = random_images((2, *reference_size, CHANNELS[target]), seed=seed + 2)
    code = model.attribute_code(reference, target).numpy()
    return {"serve": ((x, z), model.translate(x, direction, z).numpy()),
            "serve_guided": ((x, reference), model.translate(x, direction, code).numpy()),
            "attribute_code": ((reference,), code)}


@pytest.mark.parametrize("direction, suffix", [("a2b", ""), ("b2a", "_b2a")])
def test_savedmodel_endpoints_match_keras(run, direction, suffix):
    _, model, _, loaded = run
    cases = _cases(model, direction, seed=1)
    for name, (args, expected) in cases.items():
        np.testing.assert_allclose(getattr(loaded, name + suffix)(*args).numpy(), expected, atol=1e-5, err_msg=name)
    (x, z), _ = cases["serve"]
    (_, reference), _ = cases["serve_guided"]
    pixels = to_uint8(x).numpy()
    served = getattr(loaded, f"serve{suffix}_uint8")(pixels, z).numpy().astype(int)
    by_hand = to_uint8(getattr(loaded, "serve" + suffix)(to_float(pixels), z)).numpy().astype(int)
    assert np.abs(served - by_hand).max() <= 1  # float rounding of two TF graphs
    guided = getattr(loaded, f"serve_guided{suffix}_uint8")(pixels, to_uint8(reference)).numpy()
    assert guided.dtype == np.uint8 and guided.shape == (2, 32, 32, CHANNELS[DIRECTIONS[direction][1]])


def test_tflite_endpoints_match_keras(run, tmp_path):
    _, model, paths, loaded = run
    for name, (args, expected) in _cases(model, "a2b", seed=4, reference_size=(32, 32)).items():
        inputs = read_endpoint(paths["saved_model"], name).inputs
        file = tmp_path / f"{name}.tflite"
        file.write_bytes(convert_endpoint(loaded, name, inputs, "float32", 32, 32, 2))  # a fixed batch of 2
        np.testing.assert_allclose(run_tflite(file, {s.name: a for s, a in zip(inputs, args, strict=True)}), expected, atol=1e-4,
                                   err_msg=name)


def test_signatures_and_export_info(run):
    _, _, paths, loaded = run
    assert set(loaded.signatures) == ENDPOINTS | {"serving_default", "serve_uint8", "serve_b2a_uint8",
                                                  "serve_guided_uint8", "serve_guided_b2a_uint8"}
    info = json.loads(paths["export_info"].read_text())
    assert info["model"] == "DRIT" and set(info["endpoints"]) == ENDPOINTS
    assert info["inputs"]["serve"] == {"image": {"dtype": "float32", "shape": [None, None, None, 1]},
                                       "z": {"dtype": "float32", "shape": [None, NZ]}}
    assert info["inputs"]["attribute_code_b2a"]["style"]["shape"] == [None, None, None, 1]
    assert info["endpoints"]["serve_b2a"]["size_multiple"] == 4
    assert info["endpoints"]["attribute_code"]["output"].startswith(f"z float32 [B, {NZ}]: the attribute code")
    assert info["endpoints"]["attribute_code"]["style_min_side"] == info["endpoints"]["serve_guided_b2a"][
        "style_min_side"] == 16


def test_attribute_codes_steer_the_served_image(run):
    _, _, _, loaded = run
    x = random_images((1, 32, 32, 1), seed=5)
    z = sample_styles(2, NZ, seed=6)
    a, b = (loaded.serve(x, code).numpy() for code in np.split(z, 2))
    assert np.abs(a - b).mean() > 1e-3, np.abs(a - b).mean()
    np.testing.assert_array_equal(a, loaded.serve(x, z[:1]).numpy())


def test_small_references_and_wrong_image_sizes_fail_clearly(run):
    _, _, _, loaded = run
    assert loaded.attribute_code(random_images((1, 16, 24, 3))).shape == (1, NZ)  # the smallest that runs
    with pytest.raises(tf.errors.InvalidArgumentError, match="attribute_code.*style height and width .* least 16"):
        loaded.attribute_code(random_images((1, 15, 24, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="serve_guided_b2a.*style .* at least 16"):
        loaded.serve_guided_b2a(random_images((1, 32, 32, 3)), random_images((1, 32, 12, 1)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiples of 4"):
        loaded.serve(random_images((1, 30, 32, 1)), sample_styles(1, NZ))


def test_mixed_bfloat16_plain_encoder_model_exports_in_float32(tmp_path):
    """concat=0 (plain attribute encoder, MisINS generator) trained under mixed_bfloat16: serve and
    serve_guided A -> B compute in float32, matching Keras to bfloat16 precision."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # as train() leaves it when export_model runs
    try:
        model = perturbed_generators(drit_config(model__concat=0), seed=1)
        endpoints = [dataclasses.replace(e, uint8=False) for e in model.export_endpoints()
                     if e.name in ("serve", "serve_guided")]  # fewer signatures to trace
        paths = export_model(model, tmp_path, tflite=(), endpoints=endpoints)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert model.gen.compute_dtype == "bfloat16"
    assert all(net.compute_dtype == "float32" for e in endpoints for net in e.networks)
    loaded = tf.saved_model.load(str(paths["saved_model"]))
    cases = _cases(model, "a2b", seed=9)
    for name in ("serve", "serve_guided"):
        args, expected = cases[name]
        error = np.abs(getattr(loaded, name)(*args).numpy() - expected)
        # bfloat16 maths in Keras: 0.006 mean, 0.08 max measured; two images' outputs differ by 0.3
        assert error.mean() < 2e-2 and error.max() < 0.2, (name, error.mean(), error.max())
