"""SavedModel export: float and uint8 endpoints match Keras at several sizes/batches; bad sizes fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import exported, keras_output, random_images, tiny_model  # noqa: F401 (fixture)
from tf_i2i.export import ExportInputError, export_model
from tf_i2i.models.spec import TranslateSpec
from tf_i2i.registry import spec_of

SIZES = [(1, 32, 32), (3, 64, 96)]  # two batch sizes and spatial sizes through one signature


def _endpoints(model):
    return model.export_generators().items()


@pytest.mark.parametrize("batch,height,width", SIZES)
def test_float_endpoints_match_keras(exported, batch, height, width):
    model, _, loaded = exported
    for name, (generator, channels) in _endpoints(model):
        x = random_images((batch, height, width, channels), seed=batch)
        np.testing.assert_allclose(getattr(loaded, name)(x).numpy(), keras_output(generator, x), atol=1e-5)


@pytest.mark.parametrize("batch,height,width", SIZES)
def test_uint8_endpoints_convert_inside_the_graph(exported, batch, height, width):
    model, _, loaded = exported
    for name, (generator, channels) in _endpoints(model):
        pixels = np.random.default_rng(batch).integers(0, 256, (batch, height, width, channels), dtype=np.uint8)
        out = getattr(loaded, f"{name}_uint8")(pixels).numpy()
        expected = (keras_output(generator, pixels / 127.5 - 1.0) + 1.0) * 127.5
        assert out.dtype == np.uint8 and out.shape == expected.shape
        assert np.abs(out - expected).max() <= 0.5 + 1e-3  # rounding only


def test_signatures_are_dynamic_and_serving_default_is_serve(exported):
    model, _, loaded = exported
    names = {name for name, _ in _endpoints(model)}
    assert set(loaded.signatures) == {"serving_default"} | names | {f"{n}_uint8" for n in names}
    for key, signature in loaded.signatures.items():
        (spec,) = signature.structured_input_signature[1].values()
        assert spec.shape.as_list() == [None, None, None, 3]
        assert spec.dtype == (tf.uint8 if key.endswith("_uint8") else tf.float32)
    x = random_images((2, 32, 64, 3))
    (default_out,) = loaded.signatures["serving_default"](image=tf.constant(x)).values()
    np.testing.assert_allclose(default_out.numpy(), loaded.serve(x).numpy(), atol=1e-6)


def test_wrong_size_fails_with_the_multiple_in_the_message(exported):
    model, _, loaded = exported
    multiple = model.export_generators()["serve"][0].size_multiple
    with pytest.raises(tf.errors.InvalidArgumentError, match=f"must be multiples of {multiple}"):
        loaded.serve(random_images((1, multiple + 2, multiple, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=f"must be multiples of {multiple}"):
        loaded.serve_uint8(np.zeros((1, multiple, multiple * 2 + 1, 3), np.uint8))


def test_export_info_describes_the_endpoints(exported):
    model, paths, _ = exported
    info = json.loads(paths["export_info"].read_text())
    assert info["serving_default"] == "serve" and info["value_ranges"] == {"float32": [-1, 1], "uint8": [0, 255]}
    for name, (generator, channels) in _endpoints(model):
        assert info["endpoints"][name] == {"uint8_endpoint": f"{name}_uint8", "input_channels": channels,
                                           "output_channels": 3, "size_multiple": generator.size_multiple,
                                           "image_inputs": ["image"]}


def test_export_info_records_the_paper_and_how_to_translate(exported):
    """tools/translate.py --saved_model reads these instead of mapping the class name to a paper."""
    model, paths, _ = exported
    info = json.loads(paths["export_info"].read_text())
    spec = spec_of(model)
    assert info["paper"] == spec.name == type(model).__name__.lower()
    assert TranslateSpec.from_json(info["translate"]) == spec.translate
    assert "preprocessing" not in info  # export_model was given no data config


def test_tflite_size_must_be_a_multiple_and_nothing_is_written(tmp_path):
    model = tiny_model("pix2pix")
    with pytest.raises(ExportInputError, match="multiples of 32.*got 48x32; nearest valid size is 64x32"):
        export_model(model, tmp_path / "out", height=48, width=32)
    with pytest.raises(ExportInputError, match="unknown TFLite quantization"):
        export_model(model, tmp_path / "out", tflite=("int4",), height=32, width=32)
    assert not (tmp_path / "out").exists()
