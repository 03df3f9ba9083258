"""Boxes on images (INIT's instances): rasterised masks at any resolution, fixed-size object crops and
box outlines (what sample grids and tools/translate.py show).

Convention (shared with the box data): per image float boxes [N, 4] = (y1, x1, y2, x2) normalised to
the image, as tf.image.crop_and_resize takes them, and a bool `valid` [N] for the padded slots."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.layers.bilinear import sample_bilinear

OUTLINE_RGB = (1.0, 1.0, -1.0)  # yellow in [-1, 1]


def _pixel_centres(size: int | tf.Tensor) -> tf.Tensor:
    """Normalised centres (i + 0.5) / size of the `size` pixels along one axis."""
    return (tf.range(size, dtype=tf.float32) + 0.5) / tf.cast(size, tf.float32)


def box_masks(boxes: tf.Tensor, valid: tf.Tensor, height: int | tf.Tensor, width: int | tf.Tensor) -> tf.Tensor:
    """Float masks [B, N, height, width, 1] of boxes [B, N, 4] at any resolution (sides may be tensors,
    so graphs traced once serve every picture size).

    A pixel belongs to a box when its centre lies in the half-open box: y1 <= (row + 0.5) / height < y2
    and x1 <= (col + 0.5) / width < x2, so boxes that share an edge never share a pixel and a box
    smaller than a pixel may cover none. Invalid slots are all zero."""
    boxes = tf.cast(boxes, tf.float32)
    y1, x1, y2, x2 = (boxes[..., i, None] for i in range(4))  # [B, N, 1]
    ys, xs = _pixel_centres(height), _pixel_centres(width)
    rows = tf.logical_and(ys >= y1, ys < y2)  # [B, N, H]
    cols = tf.logical_and(xs >= x1, xs < x2)  # [B, N, W]
    inside = tf.logical_and(rows[..., :, None], cols[..., None, :])
    inside = tf.logical_and(inside, tf.cast(valid, tf.bool)[..., None, None])
    return tf.cast(inside, tf.float32)[..., None]


def _sample_positions(start: tf.Tensor, end: tf.Tensor, size: int, extent: tf.Tensor) -> tf.Tensor:
    """crop_and_resize's sampling positions in pixels: `size` points from start * (extent - 1) to
    end * (extent - 1) (the centre for size 1), clipped to the image."""
    last = tf.cast(extent, tf.float32) - 1.0
    if size > 1:
        steps = tf.range(size, dtype=tf.float32) / float(size - 1)
        pos = start * last + steps * (end - start) * last
    else:
        pos = 0.5 * (start + end) * last
    return tf.clip_by_value(pos, 0.0, last)


def crop_objects(images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor, size: int) -> tf.Tensor:
    """Object crops [B, N, size, size, C] of images [B, H, W, C] at boxes [B, N, 4], zeros for invalid slots.

    Bilinear, the sampling grid of tf.image.crop_and_resize (box corners on pixel centres 0 and
    size - 1), built from floor and flat gathers (layers/bilinear.py) because crop_and_resize is not a TFLite builtin
    (it needs Select TF ops)."""
    dtype = images.dtype
    images = tf.cast(images, tf.float32)
    boxes = tf.cast(boxes, tf.float32)
    shape = tf.shape(images)
    b, h, w = shape[0], shape[1], shape[2]
    n = tf.shape(boxes)[1]
    y = _sample_positions(boxes[..., 0, None], boxes[..., 2, None], size, h)[..., :, None]  # [B, N, S, 1]
    x = _sample_positions(boxes[..., 1, None], boxes[..., 3, None], size, w)[..., None, :]  # [B, N, 1, S]
    crops = sample_bilinear(images, y, x) * tf.cast(tf.reshape(valid, [b, n, 1, 1, 1]), tf.float32)
    return tf.cast(crops, dtype)


def draw_boxes(images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """images [B, H, W, C] in [-1, 1] with a one-pixel outline of each valid box of boxes [B, N, 4].

    The outline is the box's own pixels (box_masks' pixel-centre rule) minus those of the box one pixel
    smaller on every side, so it shows exactly the pixels region-wise AdaIN gives to the box."""
    images = tf.cast(images, tf.float32)
    height, width, channels = tf.shape(images)[1], tf.shape(images)[2], images.shape[3]
    boxes = tf.cast(boxes, tf.float32)
    pixel = 1.0 / tf.cast(tf.stack([height, width]), tf.float32)
    inner = boxes + tf.concat([pixel, -pixel], 0)
    outline = tf.reduce_max(box_masks(boxes, valid, height, width) - box_masks(inner, valid, height, width), axis=1)
    colour = tf.constant(OUTLINE_RGB[:channels] if channels <= 3 else OUTLINE_RGB + (1.0,) * (channels - 3))
    return images * (1.0 - outline) + outline * colour
