"""The rule for boxes that leave the crop: clip them to the picture, drop the ones too little of which
remains (below ``min_visible`` of their area) or that end up smaller than ``min_size`` pixels."""

from __future__ import annotations

import tensorflow as tf


def _area(boxes: tf.Tensor) -> tf.Tensor:
    return tf.maximum(boxes[:, 2] - boxes[:, 0], 0.0) * tf.maximum(boxes[:, 3] - boxes[:, 1], 0.0)


def clip_boxes(
    element: dict[str, tf.Tensor], height: tf.Tensor, width: tf.Tensor, min_visible: float, min_size: float
) -> dict[str, tf.Tensor]:
    """``element``'s "boxes" (normalised, possibly outside [0, 1] after a crop), "box_classes" and
    "box_valid" clipped to the height x width picture; dropped rows become zero and invalid."""
    boxes = element["boxes"]
    clipped = tf.clip_by_value(boxes, 0.0, 1.0)
    visible = _area(clipped) >= min_visible * _area(boxes)
    size = tf.cast(tf.stack([height, width]), tf.float32)
    sides = (clipped[:, 2:] - clipped[:, :2]) * size  # (height, width) in pixels
    valid = element["box_valid"] & visible & tf.reduce_all(sides >= min_size, axis=1) & (_area(clipped) > 0)
    return {
        **element,
        "boxes": tf.where(valid[:, None], clipped, 0.0),
        "box_classes": tf.where(valid, element["box_classes"], 0),
        "box_valid": valid,
    }
