"""The label-map input shared by the semantic synthesis models (pix2pixHD, SPADE)."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.data.labels import one_hot_labels
from tf_i2i.data.palette import colorize_labels


def semantic_input(batch: dict[str, tf.Tensor], label_nc: int, dontcare_label: int = -1,
                   boundary=None) -> tf.Tensor:
    """float32 [B,H,W,C]: one-hot labels (plus a don't-care channel when dontcare_label >= 0), or the
    RGB label picture `label_image` when label_nc is 0; then the instance boundary map when a
    `boundary` layer (InstanceBoundary) is given, as both papers' encode_input/preprocess_input."""
    if label_nc == 0:
        parts = [tf.cast(batch["label_image"], tf.float32)]
    else:
        parts = [one_hot_labels(batch["label"], label_nc, dontcare_label)]
    if boundary is not None:
        parts.append(tf.cast(boundary(batch["instance"]), tf.float32))
    return tf.concat(parts, axis=-1)


def shown_labels(batch: dict[str, tf.Tensor], label_nc: int) -> tf.Tensor:
    """The label input as an RGB picture in [-1, 1] for sample grids."""
    return batch["label_image"] if label_nc == 0 else colorize_labels(batch["label"], label_nc)
