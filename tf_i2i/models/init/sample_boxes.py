"""Box outlines on pictures for INIT's sample grids and translate outputs."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.layers.boxes import box_masks

OUTLINE_RGB = (1.0, 1.0, -1.0)  # yellow in [-1, 1]


def draw_boxes(images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """images [B, H, W, C] in [-1, 1] with a one-pixel outline of each valid box of boxes [B, N, 4].

    The outline is the box's own pixels (box_masks' pixel-centre rule) minus those of the box one pixel
    smaller on every side, so it shows exactly the pixels region-wise AdaIN gives to the box."""
    images = tf.cast(images, tf.float32)
    height, width, channels = images.shape[1], images.shape[2], images.shape[3]
    boxes = tf.cast(boxes, tf.float32)
    inner = boxes + tf.constant([1.0 / height, 1.0 / width, -1.0 / height, -1.0 / width])
    outline = tf.reduce_max(box_masks(boxes, valid, height, width) - box_masks(inner, valid, height, width), axis=1)
    colour = tf.constant(OUTLINE_RGB[:channels] if channels <= 3 else OUTLINE_RGB + (1.0,) * (channels - 3))
    return images * (1.0 - outline) + outline * colour
