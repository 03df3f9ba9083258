"""Label-map helpers shared by the pipeline and the label-conditioned models (pix2pixHD, SPADE)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def remap_dontcare(label: tf.Tensor, num_classes: int, dontcare_label: int = -1) -> tf.Tensor:
    """Map the dontcare id (e.g. 255 in COCO-Stuff) to ``num_classes``, an extra class, like SPADE."""
    if dontcare_label < 0:
        return label
    return tf.where(label == dontcare_label, tf.cast(num_classes, label.dtype), label)


def from_ade20k(ids: np.ndarray | tf.Tensor) -> np.ndarray | tf.Tensor:
    """ADE20K's stored ids (0 = unlabeled, 1..150 = classes) -> class k - 1, unlabeled -> 255.

    255 is the dontcare id of COCO-Stuff, so the usual dontcare mapping (to num_classes) follows;
    together this is the official ADE20K loader's shift. Works on numpy arrays and tensors alike.
    """
    return (ids + 255) % 256


def one_hot_labels(label: tf.Tensor, num_classes: int, dontcare_label: int = -1) -> tf.Tensor:
    """float32 [..., H, W, C] one-hot maps from int ids [..., H, W, 1].

    C = num_classes, plus one when a dontcare label is used; the dontcare id (raw, or already
    remapped to num_classes) lands in that last channel. Ids outside [0, C) give all-zero pixels.
    """
    label = tf.convert_to_tensor(label)
    depth = num_classes + (1 if dontcare_label >= 0 else 0)
    ids = remap_dontcare(tf.squeeze(label, axis=-1), num_classes, dontcare_label)
    return tf.one_hot(tf.cast(ids, tf.int32), depth, dtype=tf.float32)
