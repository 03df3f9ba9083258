"""TrackedInstanceNorm (torch InstanceNorm2d(affine=False, track_running_stats=True), vid2vid's
'instance' norm) against numpy: running stats at inference, per-sample stats in training, and
torch's running-stat update (batch mean of per-sample means and unbiased variances, momentum 0.1)."""

import numpy as np

from tf_i2i.layers import TrackedInstanceNorm


def test_inference_uses_running_stats_and_training_updates_them_as_torch():
    rng = np.random.default_rng(5)
    x = rng.normal(2.0, 3.0, (2, 4, 5, 3)).astype(np.float32)
    norm = TrackedInstanceNorm()
    norm.build(x.shape)
    mean0, var0 = np.array([0.5, -1.0, 2.0], np.float32), np.array([1.5, 0.5, 4.0], np.float32)
    norm.moving_mean.assign(mean0)
    norm.moving_variance.assign(var0)
    np.testing.assert_allclose(norm(x, training=False), (x - mean0) / np.sqrt(var0 + 1e-5), rtol=1e-5, atol=1e-5)
    y = np.asarray(norm(x, training=True))
    mean, var = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    unbiased = x.var(axis=(1, 2), ddof=1).mean(axis=0)
    np.testing.assert_allclose(norm.moving_mean, 0.9 * mean0 + 0.1 * x.mean(axis=(1, 2)).mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(norm.moving_variance, 0.9 * var0 + 0.1 * unbiased, rtol=1e-5)
    assert TrackedInstanceNorm.from_config(norm.get_config()).momentum == 0.1
