"""INIT's three styles of a picture and its region-wise rendering, on one domain's MUNIT AdaIN generator.

Boxes follow tf_i2i.layers.boxes: [B, N, 4] (y1, x1, y2, x2) normalised, `valid` bool [B, N]. Object
crops and their codes are flattened to B * N rows (invalid slots included, as zeros) so the shared
encoders and decoder see ordinary batches; per-object values reshape back to [B, N, ...].
"""

from __future__ import annotations

import dataclasses

import tensorflow as tf

from tf_i2i.layers.boxes import box_masks, crop_objects
from tf_i2i.layers.region_adain import box_regions, region_values
from tf_i2i.nets.adain_generator import AdaINGenerator


@dataclasses.dataclass
class Styles:
    """A picture's style codes: global [B, S] (the whole picture, MUNIT's), background [B, S] (the
    picture outside its boxes) and objects [B, N, S] (each box's crop)."""

    global_: tf.Tensor
    background: tf.Tensor
    objects: tf.Tensor


def object_crops(images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor, size: int) -> tf.Tensor:
    """[B * N, size, size, C] crops of images [B, H, W, C] at their boxes (zeros for invalid slots)."""
    crops = crop_objects(images, boxes, valid, size)
    return tf.reshape(crops, [-1, size, size, images.shape[-1]])


def per_object(rows: tf.Tensor, boxes: tf.Tensor) -> tf.Tensor:
    """B * N rows [B * N, ...] back to [B, N, ...] (N from boxes [B, N, 4])."""
    shape = tf.shape(boxes)
    return tf.reshape(rows, tf.concat([shape[:2], tf.shape(rows)[1:]], 0))


def outside_boxes(images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor) -> tf.Tensor:
    """images with every valid box's pixels set to 0 (mid-grey): what the background code sees, so no
    pixel inside a box can reach it through the style encoder's receptive field."""
    union = tf.reduce_max(box_masks(boxes, valid, tf.shape(images)[1], tf.shape(images)[2]), axis=1)  # [B, H, W, 1]
    return images * tf.cast(1.0 - union, images.dtype)


def background_style(gen: AdaINGenerator, images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor,
                     training: bool) -> tf.Tensor:
    """[B, S]: the style code of images with their boxes blanked (outside_boxes)."""
    return gen.enc_style(outside_boxes(images, boxes, valid), training=training)


def object_styles(gen: AdaINGenerator, images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor, crop_size: int,
                  training: bool) -> tf.Tensor:
    """[B, N, S]: the style codes of the boxes' crops of images, from the same style encoder."""
    return per_object(gen.enc_style(object_crops(images, boxes, valid, crop_size), training=training), boxes)


def picture_styles(gen: AdaINGenerator, images: tf.Tensor, boxes: tf.Tensor, valid: tf.Tensor, crop_size: int,
                   training: bool) -> Styles:
    """The global, background and object styles of images in gen's domain."""
    return Styles(gen.enc_style(images, training=training), background_style(gen, images, boxes, valid, training),
                  object_styles(gen, images, boxes, valid, crop_size, training))


def render(gen: AdaINGenerator, content: tf.Tensor, background: tf.Tensor, objects: tf.Tensor, boxes: tf.Tensor,
           valid: tf.Tensor, training: bool) -> tf.Tensor:
    """Pictures in gen's domain from content [B, h, w, C] with region-wise AdaIN: each valid box's pixels
    are normalised on their own and take its object style's AdaIN parameters, the rest the background's
    (layers.region_adain; the decoder's AdaIN blocks all run at the content's resolution)."""
    n = tf.shape(objects)[1]
    object_params = tf.reshape(gen.mlp(tf.reshape(objects, [-1, objects.shape[-1]]), training=training),
                               [-1, n, gen.dec.num_adain_params])
    regions = box_regions(boxes, valid, tf.shape(content)[1], tf.shape(content)[2])
    params = region_values(regions, gen.mlp(background, training=training), object_params)
    return gen.dec(content, tf.cast(params, gen.dec.compute_dtype), regions, training=training)
