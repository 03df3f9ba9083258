"""pix2pixHD endpoints: serve(_uint8), serve_features and serve_clusters match the Keras model in the
SavedModel (any batch) and as float32 TFLite files; the cluster table is baked in; bad sizes fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import tflite_first, tiny_model
from tf_i2i.export import export_model
from tf_i2i.models.serving.tensors import to_uint8
from tf_i2i.models.pix2pixhd.clusters import Clusters

FEAT = 3


def _clusters(num_classes: int) -> Clusters:
    """Centres for classes 1 (two), 2 (three) and the last class (one); the other classes have none."""
    rng = np.random.default_rng(1)
    return Clusters({c: rng.uniform(-1, 1, (k, FEAT)).astype(np.float32)
                     for c, k in ((1, 2), (2, 3), (num_classes - 1, 1))}, FEAT)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = tiny_model("pix2pixhd")
    clusters = _clusters(model.cfg.label_nc)
    paths = export_model(model, tmp_path_factory.mktemp("p2phd"), tflite=("float32",), height=32, width=32,
                         endpoints=model.export_endpoints(clusters=clusters))
    return model, clusters, paths, tf.saved_model.load(str(paths["saved_model"]))


def _inputs(model, batch: int, height: int = 32, width: int = 32, seed: int = 0) -> dict[str, np.ndarray]:
    """Blocky random label and instance maps (4x4 px cells) and a per-class cluster choice."""
    rng = np.random.default_rng(seed)
    cells = (batch, height // 4, width // 4, 1)
    up = lambda a: np.repeat(np.repeat(a, 4, axis=1), 4, axis=2).astype(np.int32)  # noqa: E731
    label = up(rng.integers(0, 4, cells))
    label[:, :4, :4] = model.cfg.label_nc - 1
    return {"label": label, "instance": up(rng.integers(0, 5, cells)) + 1000 * label,
            "cluster": rng.integers(0, 3, (batch, model.cfg.label_nc)).astype(np.int32)}


def _features(clusters: Clusters, label: np.ndarray, choice: np.ndarray) -> np.ndarray:
    """numpy recomputation: centre choice % k of each pixel's class, zeros for classes without centres."""
    out = np.zeros(label.shape[:3] + (FEAT,), np.float32)
    for b, y, x in np.ndindex(*label.shape[:3]):
        c = int(label[b, y, x, 0])
        if c in clusters.centers:
            out[b, y, x] = clusters.centers[c][choice[b, c] % len(clusters.centers[c])]
    return out


def _keras(model, x: dict, features: np.ndarray) -> np.ndarray:
    return model.generate({"label": x["label"], "instance": x["instance"]}, features=features).numpy()


@pytest.mark.parametrize("batch", [1, 2])
def test_every_endpoint_matches_keras_in_savedmodel_and_tflite(exported, batch):
    model, clusters, paths, loaded = exported
    x = _inputs(model, batch, seed=batch)
    features = np.random.default_rng(batch).uniform(-1, 1, x["label"].shape[:3] + (FEAT,)).astype(np.float32)
    zero_choice = np.zeros_like(x["cluster"])
    cases = {
        "serve": ((x["label"], x["instance"]), _keras(model, x, _features(clusters, x["label"], zero_choice))),
        "serve_features": ((x["label"], x["instance"], features), _keras(model, x, features)),
        "serve_clusters": ((x["label"], x["instance"], x["cluster"]),
                           _keras(model, x, _features(clusters, x["label"], x["cluster"]))),
    }
    for name, (args, expected) in cases.items():
        np.testing.assert_allclose(getattr(loaded, name)(*args).numpy(), expected, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(tflite_first(paths, name, args), expected[:1], atol=1e-4, err_msg=name)
    uint8 = loaded.serve_uint8(x["label"], x["instance"]).numpy()
    np.testing.assert_array_equal(uint8, to_uint8(loaded.serve(x["label"], x["instance"])).numpy())


def test_signatures_and_export_info(exported):
    model, clusters, paths, loaded = exported
    assert set(loaded.signatures) == {"serving_default", "serve", "serve_uint8", "serve_features", "serve_clusters"}
    info = json.loads(paths["export_info"].read_text())
    assert info["model"] == "Pix2PixHD"
    assert info["inputs"]["serve_clusters"] == {
        "label": {"dtype": "int32", "shape": [None, None, None, 1]},
        "instance": {"dtype": "int32", "shape": [None, None, None, 1]},
        "cluster": {"dtype": "int32", "shape": [None, model.cfg.label_nc]}}
    assert info["inputs"]["serve_features"]["features"] == {"dtype": "float32", "shape": [None, None, None, FEAT]}
    entry = info["endpoints"]["serve_clusters"]
    assert entry["cluster_counts"] == clusters.counts(model.cfg.label_nc).tolist() and entry["size_multiple"] == 4
    assert info["endpoints"]["serve"]["uint8_endpoint"] == "serve_uint8"
    assert info["tflite"]["serve_clusters_float32.tflite"]["input_shapes"]["cluster"] == [1, model.cfg.label_nc]


def test_dynamic_sizes_and_the_size_error(exported):
    model, _, _, loaded = exported
    x = _inputs(model, 3, height=16, width=40)
    assert loaded.serve_clusters(x["label"], x["instance"], x["cluster"]).shape == (3, 16, 40, 3)
    bad = np.zeros((1, 18, 16, 1), np.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label height and width must be multiples of 4"):
        loaded.serve(bad, bad)


def test_without_clusters_serve_uses_zero_features(tmp_path):
    model = tiny_model("pix2pixhd")
    paths = export_model(model, tmp_path, tflite=(), height=32, width=32)
    loaded = tf.saved_model.load(str(paths["saved_model"]))
    assert not hasattr(loaded, "serve_clusters")
    x = _inputs(model, 1)
    expected = _keras(model, x, np.zeros(x["label"].shape[:3] + (FEAT,), np.float32))
    np.testing.assert_allclose(loaded.serve(x["label"], x["instance"]).numpy(), expected, atol=1e-5)
