"""The 'features' input of a model with the clusters mode (pix2pixHD, Sec. 3.4): the feature map
built from per-class cluster centres, one centre per class (--cluster) and per named instance
(--instance_cluster), with tf_i2i.models.pix2pixhd.clusters.cluster_features, the function the
exported serve_clusters endpoint runs in its graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from tf_i2i.models.pix2pixhd.clusters import Clusters, cluster_features
from tf_i2i.models.serving.errors import ExportInputError

RANDOM = "random"


@dataclasses.dataclass(frozen=True)
class ClusterChoice:
    """Clusters (None: zero features, as a model without clusters) of `feat_num` features, the
    centre index --cluster names for every class (or RANDOM), instance id -> centre index, and
    how many outputs (--variants) each input gets, variant i taking centre --cluster + i."""

    clusters: Clusters | None
    feat_num: int
    cluster: str = "0"
    per_instance: dict[int, int] = dataclasses.field(default_factory=dict)
    variants: int = 1

    def __post_init__(self) -> None:
        if self.clusters is None and (self.cluster != "0" or self.per_instance or self.variants > 1):
            raise ExportInputError("cluster choices need a clusters file: run tools/encode_features.py, "
                                   "pass --clusters, or export with --clusters")
        if self.clusters is not None and self.clusters.feat_num != self.feat_num:
            raise ExportInputError(f"clusters have {self.clusters.feat_num} features, the model takes {self.feat_num}")
        if self.cluster != RANDOM and not self.cluster.lstrip("-").isdigit():
            raise ExportInputError(f"--cluster expects a cluster index or {RANDOM!r}, got {self.cluster!r}")

    @property
    def num_classes(self) -> int:
        """Classes of the cluster table (ids past the last class with centres get zero features)."""
        return 1 + max(self.clusters.centers) if self.clusters else 0

    def choice(self, variant: int, rng: np.random.Generator) -> np.ndarray:
        """int32 [classes]: centre --cluster + variant of every class (wrapping in the graph), or a
        random one each."""
        counts = self.clusters.counts(self.num_classes) if self.clusters else np.zeros([0], np.int32)
        if self.cluster == RANDOM:
            return (rng.integers(0, np.maximum(counts, 1)) * (counts > 0)).astype(np.int32)
        return np.full(counts.shape, int(self.cluster) + variant, np.int32)

    def features(self, label: tf.Tensor, instance: tf.Tensor | None, choice: np.ndarray) -> tf.Tensor:
        """float32 [1, H, W, feat_num] for a label map [1, H, W, 1]: centres, or zeros without clusters."""
        if self.clusters is None:
            return tf.zeros([*label.shape[:3], self.feat_num])
        n = self.num_classes
        ids = np.array(list(self.per_instance), np.int32)
        return cluster_features(label, choice[None], self.clusters.table(n), self.clusters.counts(n), instance,
                                ids if len(ids) else None, np.array(list(self.per_instance.values()), np.int32))


def parse_instance_clusters(items: Sequence[str]) -> dict[int, int]:
    """['ID:K', ...] (--instance_cluster) -> {instance id: cluster index}."""
    choices = {}
    for item in filter(None, (i.strip() for i in items)):
        try:
            instance, cluster = (int(part) for part in item.split(":"))
        except ValueError:
            raise ExportInputError(f"--instance_cluster expects ID:K pairs of integers, got {item!r}") from None
        choices[instance] = cluster
    return choices
