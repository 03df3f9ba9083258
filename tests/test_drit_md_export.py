"""Multi-domain DRIT++ endpoints: serve(_uint8), serve_guided(_uint8) and attribute_code, each with a
target-domain input, match MDMM.translate / attribute_code in the SavedModel and as float32
TFLite files; references under 16 px fail clearly; a mixed-precision model exports in float32."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_drit import tiny_mdmm_config
from tests.helpers_drit_run import perturbed_generators
from tests.helpers_export import random_images, tflite_first
from tf_i2i.export import export_model
from tf_i2i.export.info import read_endpoint
from tf_i2i.models.serving.tensors import to_uint8
from tf_i2i.models.codes import sample_styles

ENDPOINTS = {"serve", "serve_guided", "attribute_code"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = perturbed_generators(tiny_mdmm_config())
    paths = export_model(model, tmp_path_factory.mktemp("mdmm") / "export", tflite=("float32",), height=32,
                         width=32)
    return model, paths, tf.saved_model.load(str(paths["saved_model"]))


def _cases(model):
    x = random_images((2, 32, 32, 3), seed=1)
    z = sample_styles(2, 8, seed=2)
    reference = random_images((2, 32, 32, 3), seed=3)
    domains = np.array([2, 0], np.int32)
    code = model.attribute_code(reference, domains).numpy()
    return {"serve": ((x, z, domains), model.translate(x, domains, z).numpy()),
            "serve_guided": ((x, reference, domains), model.translate(x, domains, code).numpy()),
            "attribute_code": ((reference, domains), code)}


def test_savedmodel_and_tflite_endpoints_match_keras(exported):
    model, paths, loaded = exported
    for name, (args, expected) in _cases(model).items():
        np.testing.assert_allclose(getattr(loaded, name)(*args).numpy(), expected, atol=1e-5, err_msg=name)
        inputs = read_endpoint(paths["saved_model"], name).inputs
        assert [s.name for s in inputs][-1] == "domain"
        np.testing.assert_allclose(tflite_first(paths, name, args), expected[:1], atol=1e-4, err_msg=name)
    (x, z, domains), _ = _cases(model)["serve"]
    served = loaded.serve_uint8(to_uint8(x), z, domains).numpy()
    assert served.dtype == np.uint8 and served.shape == x.shape
    info = json.loads(paths["export_info"].read_text())
    assert info["model"] == "MDMM" and set(info["endpoints"]) == ENDPOINTS


def test_the_domain_input_picks_the_output_domain(exported):
    _, _, loaded = exported
    x, z = random_images((1, 32, 32, 3), seed=5), sample_styles(1, 8, seed=6)
    outputs = [loaded.serve(x, z, np.array([d], np.int32)).numpy() for d in range(3)]
    assert min(np.abs(outputs[i] - outputs[j]).mean() for i in range(3) for j in range(i + 1, 3)) > 1e-5


def test_small_references_fail_clearly(exported):
    _, _, loaded = exported
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 16"):
        loaded.attribute_code(random_images((1, 12, 12, 3)), np.array([0], np.int32))


def test_mixed_precision_model_exports_in_float32():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # the conftest fixture restores float32
    model = perturbed_generators(tiny_mdmm_config(train__mixed_precision="mixed_bfloat16"))
    assert model.gen.compute_dtype == "bfloat16"
    serve = {e.name: e for e in model.export_endpoints()}["serve"]
    assert all(net.compute_dtype == "float32" for net in serve.networks)
    args, expected = _cases(model)["serve"]
    served = serve.fn(*args).numpy()
    assert served.dtype == np.float32
    np.testing.assert_allclose(served, expected, atol=0.1)  # the bf16 model vs its float32 twin
