"""INIT endpoints: serve_instances (both directions) and instance_codes match the model's
translate_instances and picture_styles in the SavedModel and as float32 TFLite files run by
ai-edge-litert, at any picture size in the SavedModel; box_valid 0 renders with the background code
alone; export_info.json records the box slots, code length and box convention."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers_export import random_images, tflite_first
from tests.helpers_init import EXPORTED, SIDE, init_run
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.serving.tensors import to_float, to_uint8

SLOTS, STYLE_DIM = 3, 8
BOXES = np.array([[[0.0, 0.0, 0.5, 0.5], [0.25, 0.5, 1.0, 0.875], [0.0, 0.0, 0.0, 0.0]],
                  [[0.5, 0.25, 0.75, 1.0], [0.1, 0.1, 0.2, 0.2], [0.0, 0.0, 1.0, 1.0]]], np.float32)
VALID = np.array([[1, 1, 0], [1, 0, 0]], np.float32)  # the second picture's last slot is a padding row


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return init_run(tmp_path_factory)


def _codes(seed: int) -> tuple[np.ndarray, np.ndarray]:
    codes = sample_styles(2 * (1 + SLOTS), STYLE_DIM, seed)
    return codes[:2], codes[2:].reshape(2, SLOTS, STYLE_DIM)


@pytest.mark.parametrize("direction, suffix", [("a2b", ""), ("b2a", "_b2a")])
def test_serve_instances_matches_the_model_in_savedmodel_and_tflite(run, direction, suffix):
    _, model, paths, loaded = run
    x = random_images((2, SIDE, SIDE, 3), seed=1)
    z, z_objects = _codes(2)
    expected = model.translate_instances(x, BOXES, VALID > 0, z, z_objects, direction).numpy()
    name = "serve_instances" + suffix
    args = (x, BOXES, VALID, z, z_objects)
    served = getattr(loaded, name)(*args).numpy()
    np.testing.assert_allclose(served, expected, atol=1e-5)
    lite = tflite_first(paths, name, args)
    np.testing.assert_allclose(lite, expected[:1], atol=1e-4)
    print(f"{name}: SavedModel max abs error {np.abs(served - expected).max():.2e}, "
          f"TFLite {np.abs(lite - expected[:1]).max():.2e}")
    assert np.abs(expected[0] - expected[1]).mean() > 1e-3  # the inputs steer the image
    without_boxes = getattr(loaded, name)(x, BOXES, np.zeros_like(VALID), z, z_objects).numpy()
    np.testing.assert_allclose(without_boxes, model.translate(x, direction, z).numpy(), atol=1e-5)


def test_instance_codes_match_picture_styles_in_savedmodel_and_tflite(run):
    _, model, paths, loaded = run
    reference = random_images((2, SIDE, SIDE, 3), seed=3)
    styles = model.picture_styles(reference, BOXES, VALID > 0, "b")
    expected = {"z": styles.global_.numpy(), "z_background": styles.background.numpy(),
                "z_objects": styles.objects.numpy()}
    served = loaded.instance_codes(reference, BOXES, VALID)
    lite = tflite_first(paths, "instance_codes", (reference, BOXES, VALID))
    assert set(served) == set(lite) == set(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(served[key].numpy(), value, atol=1e-5, err_msg=key)
        np.testing.assert_allclose(lite[key], value[:1], atol=1e-4, err_msg=key)
    print(f"instance_codes: TFLite max abs error {max(np.abs(lite[k] - v[:1]).max() for k, v in expected.items()):.2e}")
    np.testing.assert_allclose(expected["z"], model.style_code(reference, "b").numpy(), atol=1e-5)


def test_uint8_variant_and_a_picture_of_another_size(run):
    _, model, _, loaded = run
    x = random_images((1, SIDE, SIDE, 3), seed=4)
    z, z_objects = _codes(5)
    pixels = to_uint8(x).numpy()
    served = loaded.serve_instances_uint8(pixels, BOXES[:1], VALID[:1], z[:1], z_objects[:1]).numpy().astype(int)
    by_hand = to_uint8(loaded.serve_instances(to_float(pixels), BOXES[:1], VALID[:1], z[:1], z_objects[:1]))
    assert np.abs(served - by_hand.numpy().astype(int)).max() <= 1
    other = random_images((1, 40, 48, 3), seed=6)  # the SavedModel takes any size the networks take
    np.testing.assert_allclose(loaded.serve_instances(other, BOXES[:1], VALID[:1], z[:1], z_objects[:1]).numpy(),
                               model.translate_instances(other, BOXES[:1], VALID[:1] > 0, z[:1], z_objects[:1]),
                               atol=1e-5)


def test_export_info_records_what_translate_needs(run):
    _, _, paths, loaded = run
    info = json.loads(paths["export_info"].read_text())
    assert set(info["endpoints"]) == set(EXPORTED)
    for name in ("serve_instances", "instance_codes"):
        entry = info["endpoints"][name]
        assert entry["max_boxes"] == SLOTS and entry["style_dim"] == STYLE_DIM
        assert "(y1, x1, y2, x2) normalised" in entry["box_convention"]
    assert info["endpoints"]["serve_instances"]["uint8_endpoint"] == "serve_instances_uint8"
    assert info["inputs"]["serve_instances"] == {
        "image": {"dtype": "float32", "shape": [None, None, None, 3]},
        "boxes": {"dtype": "float32", "shape": [None, SLOTS, 4]},
        "box_valid": {"dtype": "float32", "shape": [None, SLOTS]},
        "z": {"dtype": "float32", "shape": [None, STYLE_DIM]},
        "z_objects": {"dtype": "float32", "shape": [None, SLOTS, STYLE_DIM]}}
    assert list(info["endpoints"]["instance_codes"]["outputs"]) == ["z", "z_background", "z_objects"]
    assert info["translate"]["instances_endpoint"] == "serve_instances"
    assert info["preprocessing"]["box_classes"] == [1, 2, 3]
    assert {"serve_instances_uint8", "instance_codes"} <= set(loaded.signatures)
