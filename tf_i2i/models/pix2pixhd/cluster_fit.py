"""Fitting pix2pixHD feature clusters (Sec. 3.4; the official encode_features.py): encode every
training image, take one feature per instance, k-means them per class.

Per instance (a region of the encoder's pooling ids): the feature at its middle pixel in raster
order (the encoder output is constant over the instance, so this is its pooled feature), its
class = the label id at that pixel, and its area relative to H*W // 32; instances with an area
<= 0.5 are left out of the clustering, as in the official code.
"""

from __future__ import annotations

from collections.abc import Callable

import ml_collections
import numpy as np

from tf_i2i.data import build_dataset
from tf_i2i.models.pix2pixhd.clusters import ClusterError, Clusters
from tf_i2i.models.pix2pixhd.model import Pix2PixHD

AREA_BLOCKS = 32      # area unit: H*W // 32 pixels
MIN_AREA = 0.5        # keep instances with a larger relative area
KMEANS_N_INIT = 10    # k-means restarts (scikit-learn's former default, the official code's)


def check_encoder(model: Pix2PixHD) -> None:
    """Raises ClusterError unless the model has a feature encoder and class ids to cluster by."""
    if model.encoder is None:
        raise ClusterError("this pix2pixHD model has no feature encoder (model.encoder.instance_feat/"
                           "label_feat are off or feat_num is 0): there are no features to cluster")
    if model.cfg.label_nc == 0:
        raise ClusterError("clusters are per class, but model.label_nc is 0 (RGB label pictures, no class ids)")


def instance_samples(features: np.ndarray, regions: np.ndarray, label: np.ndarray) -> list[tuple[int, np.ndarray, float]]:
    """(class, feature [feat_num], relative area) of every region of one sample ([H, W, ...] arrays)."""
    height, width = regions.shape[:2]
    flat = regions.reshape(-1)
    _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")  # pixels grouped by region, raster order inside each
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    middles = order[starts + counts // 2]
    classes = label.reshape(-1)[middles]
    values = features.reshape(height * width, -1)[middles]
    areas = counts / max(1, height * width // AREA_BLOCKS)  # maps under 32 px: unit 1 px
    return [(int(c), v, float(a)) for c, v, a in zip(classes, values, areas)]


def clustering_data(data: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
    """The run's data section for encoding: no flip, images included (the preprocess stays, seeded)."""
    data = ml_collections.ConfigDict(data.to_dict())
    data.flip = False
    data.use_image = True
    return data


def encode_dataset(model: Pix2PixHD, data: ml_collections.ConfigDict, split: str = "train",
                   on_image: Callable[[int], None] | None = None) -> dict[int, np.ndarray]:
    """Class id -> float [n, feat_num + 1] (feature, relative area) of every instance of one pass
    over `split`, in file order; calls on_image(count) after each image."""
    check_encoder(model)
    dataset = build_dataset(clustering_data(data), split=split, batch_size=1, seed=0, deterministic=True,
                            shuffle=False, repeat=False, drop_remainder=False)
    samples: dict[int, list[np.ndarray]] = {}
    count = 0
    for batch in dataset:
        features = model.encode_features(batch).numpy()[0]
        for c, value, area in instance_samples(features, model.feature_regions(batch).numpy()[0],
                                               batch["label"].numpy()[0]):
            if 0 <= c < model.cfg.label_nc:
                samples.setdefault(c, []).append(np.append(value, area))
        count += 1
        if on_image is not None:
            on_image(count)
    if count == 0:
        raise ClusterError(f"the {split!r} split of the run's data set ({data.source}) has no images")
    return {c: np.stack(v) for c, v in sorted(samples.items())}


def fit_clusters(samples: dict[int, np.ndarray], n_clusters: int, feat_num: int) -> Clusters:
    """k-means per class (scikit-learn, random_state 0) over the instances larger than MIN_AREA,
    with min(instances, n_clusters) centres; classes with no such instance get none."""
    from sklearn.cluster import KMeans

    if n_clusters < 1:
        raise ClusterError(f"model.encoder.n_clusters must be positive, got {n_clusters}")
    centers, counts = {}, {}
    for c, rows in samples.items():
        kept = rows[rows[:, -1] > MIN_AREA, :-1]
        if len(kept):
            kmeans = KMeans(n_clusters=min(len(kept), n_clusters), n_init=KMEANS_N_INIT, random_state=0)
            centers[c] = kmeans.fit(kept.astype(np.float64)).cluster_centers_.astype(np.float32)
            counts[str(c)] = len(kept)
    if not centers:
        raise ClusterError(f"no instance is larger than {MIN_AREA} x H*W/{AREA_BLOCKS} pixels: nothing to cluster")
    return Clusters(centers, feat_num, {"n_clusters": n_clusters, "instances": counts})


def encode_and_cluster(model: Pix2PixHD, data: ml_collections.ConfigDict,
                       on_image: Callable[[int], None] | None = None) -> Clusters:
    """encode_dataset then fit_clusters with the model's encoder settings."""
    e = model.cfg.encoder
    return fit_clusters(encode_dataset(model, data, on_image=on_image), e.n_clusters, e.feat_num)

