"""pix2pixHD feature clusters (Sec. 3.4, "diverse and interactive synthesis"): per class, k-means
centres of the encoder's instance features; at inference every instance takes one centre of its
class as its feature, so picking another centre changes an object's look.

The clusters file (.npz) holds one float32 array `class_<id>` [k, feat_num] per class with
centres, plus `metadata` (a JSON string). `cluster_features` turns a label map and a choice of
centre per class (and optionally per instance) into the generator's feature map; the exported
endpoints and tools/translate.py both run it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i import atomic

from tf_i2i.errors import UserError

CLUSTERS_FILE = "feature_clusters.npz"
_PREFIX = "class_"


class ClusterError(UserError):
    """A clusters file, a cluster choice or a model that cannot use clusters; the message says which."""


@dataclasses.dataclass(frozen=True)
class Clusters:
    """Class id -> float32 centres [k, feat_num] (classes without instances are absent)."""

    centers: dict[int, np.ndarray]
    feat_num: int
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)

    def counts(self, num_classes: int) -> np.ndarray:
        """int32 [num_classes]: centres per class, 0 where a class has none."""
        return np.array([len(self.centers.get(c, ())) for c in range(num_classes)], np.int32)

    def table(self, num_classes: int) -> np.ndarray:
        """float32 [num_classes, max k, feat_num], zero-padded: the constant baked into the graph."""
        table = np.zeros((num_classes, max(1, int(self.counts(num_classes).max(initial=0))), self.feat_num),
                         np.float32)
        for c, centers in self.centers.items():
            table[c, :len(centers)] = centers
        return table

    def check(self, num_classes: int, feat_num: int) -> None:
        """Raises ClusterError unless these clusters fit a model with these classes and features."""
        if self.feat_num != feat_num:
            raise ClusterError(f"clusters have {self.feat_num} features, the model's encoder {feat_num}")
        outside = sorted(c for c in self.centers if not 0 <= c < num_classes)
        if outside:
            raise ClusterError(f"clusters name classes {outside} outside the model's 0..{num_classes - 1}")

    def save(self, path: str | Path) -> Path:
        """Writes the file at `path` exactly (np.savez would add .npz to another name), whole or not at all."""
        path = Path(path)
        arrays = {f"{_PREFIX}{c}": np.asarray(v, np.float32) for c, v in sorted(self.centers.items())}
        with atomic.replacing(path) as temp, open(temp, "wb") as f:
            np.savez(f, metadata=np.array(json.dumps({**self.metadata, "feat_num": self.feat_num})), **arrays)
        return path


def load_clusters(path: str | Path) -> Clusters:
    """Reads a clusters file written by Clusters.save (tools/encode_features.py)."""
    path = Path(path)
    if not path.is_file():
        raise ClusterError(f"clusters file {path} not found: write it with tools/encode_features.py")
    try:
        with np.load(path, allow_pickle=False) as data:
            metadata = json.loads(str(data["metadata"]))
            centers = {int(k[len(_PREFIX):]): data[k].astype(np.float32) for k in data.files if k.startswith(_PREFIX)}
    except (OSError, ValueError, KeyError) as err:
        raise ClusterError(f"{path} is not a clusters file: {err}") from err
    feat_num = metadata.pop("feat_num")
    bad = [c for c, v in centers.items() if v.ndim != 2 or v.shape[1] != feat_num or not len(v)]
    if bad:
        raise ClusterError(f"{path}: centres of classes {bad} are not [k, {feat_num}] arrays with k > 0")
    return Clusters(centers, feat_num, metadata)


def cluster_features(label: tf.Tensor, choice: tf.Tensor, table: tf.Tensor, counts: tf.Tensor,
                     instance: tf.Tensor | None = None, instance_ids: tf.Tensor | None = None,
                     instance_choice: tf.Tensor | None = None) -> tf.Tensor:
    """float32 [B, H, W, feat_num]: each pixel holds centre choice[b, class] of its class.

    label int [B, H, W, 1] class ids; choice int [B, num_classes]; table/counts from Clusters.
    A choice wraps modulo its class's count; classes without centres and ids outside the table get
    zeros. With instance [B, H, W, 1], instance_ids [N] and instance_choice [N], pixels of
    instance instance_ids[n] take centre instance_choice[n] instead (one object's look).
    TFLite builtins only.
    """
    num_classes, k_max, feat_num = table.shape
    ids = tf.squeeze(tf.cast(label, tf.int32), axis=-1)
    valid = tf.logical_and(ids >= 0, ids < num_classes)
    ids = tf.where(valid, ids, tf.zeros_like(ids))
    k = tf.gather(tf.cast(choice, tf.int32), ids, batch_dims=1)
    if instance_ids is not None:
        match = tf.equal(tf.cast(instance, tf.int32), tf.cast(instance_ids, tf.int32))  # [B, H, W, N]
        chosen = tf.reduce_max(tf.where(match, tf.cast(instance_choice, tf.int32), -1), axis=-1)
        k = tf.where(tf.reduce_any(match, axis=-1), chosen, k)
    k = tf.math.floormod(k, tf.maximum(tf.gather(counts, ids), 1))
    features = tf.gather(tf.reshape(table, [num_classes * k_max, feat_num]), ids * k_max + k)
    return features * tf.expand_dims(tf.cast(valid, tf.float32), -1)
