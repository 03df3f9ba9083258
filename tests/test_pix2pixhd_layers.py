"""pix2pixHD layers: boundary map, instance-wise average pooling and the padding-excluding average
pool, each against a plain numpy reference, with dynamic shapes and the shared layer checks."""

import numpy as np
import pytest
import tensorflow as tf

from tests.layer_checks import check_layer
from tf_i2i.layers import AvgPoolExcludePad, InstanceAveragePool, InstanceBoundary

RNG = np.random.default_rng(3)


def edges_reference(ids: np.ndarray) -> np.ndarray:
    """1 where a pixel differs from a 4-neighbour inside the image, else 0 ([B,H,W,1])."""
    t = ids[..., 0]
    e = np.zeros(t.shape, bool)
    dx, dy = t[:, :, 1:] != t[:, :, :-1], t[:, 1:] != t[:, :-1]
    e[:, :, 1:] |= dx
    e[:, :, :-1] |= dx
    e[:, 1:] |= dy
    e[:, :-1] |= dy
    return e[..., None].astype(np.float32)


def instance_mean_reference(feats: np.ndarray, ids: np.ndarray) -> np.ndarray:
    out = np.empty_like(feats)
    for b in range(feats.shape[0]):
        for i in np.unique(ids[b]):
            mask = ids[b, ..., 0] == i
            out[b][mask] = feats[b][mask].mean(axis=0)
    return out


def avg_pool_reference(x: np.ndarray, k=3, s=2, p=1) -> np.ndarray:
    """torch AvgPool2d(k, s, p, count_include_pad=False) written as loops."""
    b, h, w, c = x.shape
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((b, oh, ow, c), np.float32)
    for i in range(oh):
        for j in range(ow):
            y0, x0 = max(i * s - p, 0), max(j * s - p, 0)
            y1, x1 = min(i * s - p + k, h), min(j * s - p + k, w)
            out[:, i, j] = x[:, y0:y1, x0:x1].mean(axis=(1, 2))
    return out


def _ids(b, h, w, values):
    return RNG.choice(np.asarray(values, np.int32), size=(b, h, w, 1))


def test_boundary_matches_the_reference_with_16bit_ids():
    ids = _ids(2, 13, 17, [0, 7, 26001, 26002, 33000, 65535])
    np.testing.assert_array_equal(InstanceBoundary()(ids), edges_reference(ids))


def test_boundary_marks_both_pixels_of_a_pair_but_not_the_border():
    ids = np.zeros((1, 5, 6, 1), np.int32)
    assert not np.any(InstanceBoundary()(ids))
    ids[0, 0, 0, 0] = 26001
    e = np.asarray(InstanceBoundary()(ids))[0, ..., 0]
    assert sorted(zip(*np.nonzero(e), strict=True)) == [(0, 0), (0, 1), (1, 0)]


def test_boundary_layer_checks():
    check_layer(lambda: InstanceBoundary(), _ids(1, 8, 9, [0, 26001, 26002]).astype(np.float32))


def test_instance_pool_matches_the_reference_per_sample():
    # 2 samples, ~60 instance ids of which many occur in both samples with different features.
    ids = _ids(2, 16, 24, np.concatenate([np.arange(30), 26000 + np.arange(30)]))
    feats = RNG.normal(size=(2, 16, 24, 3)).astype(np.float32)
    ours = InstanceAveragePool()([feats, ids])
    np.testing.assert_allclose(ours, instance_mean_reference(feats, ids), atol=1e-6)


def test_instance_pool_one_instance_is_the_sample_mean():
    feats = RNG.normal(size=(2, 4, 5, 2)).astype(np.float32)
    ours = np.asarray(InstanceAveragePool()([feats, np.full((2, 4, 5, 1), 26001, np.int32)]))
    np.testing.assert_allclose(ours, np.broadcast_to(feats.mean(axis=(1, 2), keepdims=True), feats.shape),
                               atol=1e-6)


def test_instance_layers_trace_once_for_any_size():
    pool, boundary = InstanceAveragePool(), InstanceBoundary()
    f = tf.function(lambda x, i: (pool([x, i]), boundary(i)), input_signature=[
        tf.TensorSpec([None, None, None, 3], tf.float32), tf.TensorSpec([None, None, None, 1], tf.int32)])
    for b, h, w in [(1, 8, 8), (3, 11, 6)]:
        ids = _ids(b, h, w, [1, 2, 26001])
        feats = RNG.normal(size=(b, h, w, 3)).astype(np.float32)
        pooled, edges = f(feats, ids)
        np.testing.assert_allclose(pooled, instance_mean_reference(feats, ids), atol=1e-6)
        np.testing.assert_array_equal(edges, edges_reference(ids))


def test_instance_pool_layer_checks_with_int_ids():
    ids = _ids(2, 8, 8, [0, 3, 26001, 26002])
    feats = RNG.normal(size=(2, 8, 8, 3)).astype(np.float32)
    check_layer(lambda: InstanceAveragePool(), [feats, ids], bf16_atol=0.05)


@pytest.mark.parametrize("h,w", [(8, 8), (7, 10), (1, 3), (5, 5)])
def test_avg_pool_excludes_padding_like_torch(h, w):
    x = RNG.normal(size=(2, h, w, 3)).astype(np.float32)
    np.testing.assert_allclose(AvgPoolExcludePad()(x), avg_pool_reference(x), atol=1e-6)


def test_avg_pool_layer_checks_and_dynamic_size():
    pool = check_layer(lambda: AvgPoolExcludePad(), RNG.normal(size=(1, 10, 12, 2)))
    f = tf.function(pool, input_signature=[tf.TensorSpec([None, None, None, 2], tf.float32)])
    x = RNG.normal(size=(3, 9, 6, 2)).astype(np.float32)
    np.testing.assert_allclose(f(x), avg_pool_reference(x), atol=1e-6)
    assert pool.compute_output_shape((None, 9, 6, 2)) == (None, 5, 3, 2)
