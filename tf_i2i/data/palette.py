"""Colours for label maps, so sample grids show semantic inputs as pictures."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def label_palette(num_classes: int) -> np.ndarray:
    """uint8 [num_classes + 1, 3]: distinct colours from the bits of each id spread over the high
    bits of R, G and B (the usual segmentation colour map); the extra last row is for ids out of range."""
    colors = np.zeros((num_classes + 1, 3), np.uint8)
    for i in range(num_classes):
        r = g = b = 0
        code = i
        for shift in range(7, -1, -1):
            r |= (code & 1) << shift
            g |= ((code >> 1) & 1) << shift
            b |= ((code >> 2) & 1) << shift
            code >>= 3
        colors[i] = (r, g, b)
    colors[num_classes] = (255, 255, 255)
    return colors


def colorize_labels(label: tf.Tensor, num_classes: int) -> tf.Tensor:
    """int ids [..., H, W, 1] -> float32 RGB [..., H, W, 3] in [-1, 1]; ids outside [0, num_classes) are white."""
    palette = tf.constant(label_palette(num_classes), tf.float32) / 127.5 - 1.0
    ids = tf.squeeze(tf.cast(label, tf.int32), axis=-1)
    ids = tf.where((ids < 0) | (ids >= num_classes), num_classes, ids)
    return tf.gather(palette, ids)
