"""pix2pixHD feature clusters: per-instance samples follow the official rule, k-means centres are
per-class cluster means, the file round-trips, and cluster choices steer the generated image."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers_export import tiny_config, tiny_model
from tf_i2i.models.pix2pixhd.cluster_fit import encode_and_cluster, encode_dataset, fit_clusters, instance_samples
from tf_i2i.models.pix2pixhd.clusters import ClusterError, Clusters, cluster_features, load_clusters


@pytest.fixture(scope="module")
def model():
    return tiny_model("pix2pixhd")


def test_instance_samples_take_the_middle_pixel_class_and_relative_area():
    regions = np.array([[7, 7, 9, 9], [7, 5, 5, 9], [5, 5, 5, 5], [5, 5, 5, 5]])[..., None]
    label = np.where(regions == 7, 1, np.where(regions == 9, 2, 3))
    label[0, 2] = 4  # a pixel of instance 9 with another label; its middle pixel (1, 3) decides
    features = np.arange(16 * 2, dtype=np.float32).reshape(4, 4, 2)
    samples = {c: (v.tolist(), a) for c, v, a in instance_samples(features, regions, label)}
    # raster order: 5 at 5,6,8..15 (middle 11th px -> index 11), 7 at 0,1,4 (-> 1), 9 at 2,3,7 (-> 3).
    assert samples[3][0] == features.reshape(16, 2)[11].tolist()
    assert samples[1][0] == features.reshape(16, 2)[1].tolist() and samples[2][0] == features.reshape(16, 2)[3].tolist()
    big = np.zeros((8, 8, 1), int)
    big[:1, :3] = 1
    areas = {c: a for c, _, a in instance_samples(np.zeros((8, 8, 2)), big, big)}
    assert areas == {0: 61 / 2, 1: 3 / 2}  # pixels / (64 // 32)


def test_fit_clusters_gives_per_class_means_of_the_large_instances():
    rng = np.random.default_rng(0)
    rows = {1: np.c_[rng.normal(size=(12, 3)), np.full(12, 2.0)],
            4: np.c_[rng.normal(size=(2, 3)), [3.0, 0.2]],           # one instance too small
            6: np.c_[rng.normal(size=(3, 3)), np.full(3, 0.5)]}      # all too small: no centres
    clusters = fit_clusters(rows, n_clusters=3, feat_num=3)
    assert {c: v.shape for c, v in clusters.centers.items()} == {1: (3, 3), 4: (1, 3)}
    np.testing.assert_allclose(clusters.centers[4][0], rows[4][0, :3], atol=1e-6)
    kept = rows[1][:, :3]
    nearest = np.argmin(((kept[:, None] - clusters.centers[1][None]) ** 2).sum(-1), axis=1)
    for j in range(3):
        np.testing.assert_allclose(clusters.centers[1][j], kept[nearest == j].mean(0), atol=1e-5)
    with pytest.raises(ClusterError, match="nothing to cluster"):
        fit_clusters({6: rows[6]}, 3, 3)


def test_encoding_the_run_data_writes_per_class_centres(model, tmp_path):
    config = tiny_config("pix2pixhd")
    seen = []
    samples = encode_dataset(model, config.data, on_image=seen.append)
    assert seen == list(range(1, 7)) and all(v.shape[1] == 4 for v in samples.values())
    clusters = encode_and_cluster(model, config.data)
    for c, centres in clusters.centers.items():
        assert centres.shape == (min(3, int((samples[c][:, -1] > 0.5).sum())), 3)
    loaded = load_clusters(clusters.save(tmp_path / "c.npz"))
    assert loaded.feat_num == 3 and loaded.metadata["n_clusters"] == 3
    assert {c: v.tolist() for c, v in loaded.centers.items()} == {c: v.tolist() for c, v in clusters.centers.items()}
    with pytest.raises(ClusterError, match="not found"):
        load_clusters(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"junk")
    with pytest.raises(ClusterError, match="is not a clusters file"):
        load_clusters(tmp_path / "bad.npz")


def _scene(num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Left half class 1 (instances 1001, 1002 stacked), right half class 2 (instance 2)."""
    label = np.ones((1, 32, 32, 1), np.int32)
    label[:, :, 16:] = 2
    instance = np.where(label == 1, 1001, 2).astype(np.int32)
    instance[:, 16:, :16] = 1002
    return label, instance


def test_cluster_choices_change_the_output_and_the_same_choice_repeats(model):
    clusters = Clusters({1: np.array([[1, 1, 1], [-1, -1, -1]], np.float32), 2: np.array([[0.5, 0, -0.5]], np.float32)}, 3)
    n = model.cfg.label_nc
    table, counts = clusters.table(n), clusters.counts(n)
    label, instance = _scene(n)

    def generate(choice):
        features = cluster_features(label, np.array([choice], np.int32), table, counts)
        return model.generate({"label": label, "instance": instance}, features=features).numpy()

    zero, one = np.zeros(n, int), np.zeros(n, int)
    one[1] = 1
    assert np.abs(generate(zero) - generate(one)).mean() > 1e-3
    np.testing.assert_array_equal(generate(one), generate(one))


def test_an_instance_choice_changes_only_that_instances_features(model):
    clusters = Clusters({1: np.array([[1, 1, 1], [-1, -1, -1]], np.float32)}, 3)
    n = model.cfg.label_nc
    label, instance = _scene(n)
    args = (label, np.zeros((1, n), np.int32), clusters.table(n), clusters.counts(n))
    base = cluster_features(*args).numpy()
    changed = cluster_features(*args, instance, np.array([1002]), np.array([1])).numpy()
    moved = (base != changed).any(-1)
    np.testing.assert_array_equal(moved, instance[..., 0] == 1002)
    np.testing.assert_array_equal(changed[instance[..., 0] == 1002], np.full((256, 3), -1.0))
    assert (base[label[..., 0] == 2] == 0).all()  # class 2 has no centres: zero features
