"""One random resize/crop/flip applied identically to every part of a sample.

Parts are [H, W, C] pictures or [T, H, W, C] stacks of them (every frame of a video sequence gets
the same transform). Integer parts (label and instance maps) are resized with nearest neighbour so
ids stay ids; float parts (images) bilinearly with antialiasing (like PIL's resize, which filters
when it shrinks; this matters when a 2048 px photo is shrunk to 286). Flow parts ([..., 2] (x, y)
displacements in pixels) are resized bilinearly with their vectors scaled by the size ratios, and a
flip negates x. Box parts ([N, 4] (y1, x1, y2, x2) normalised to the picture, pixel edges / size)
follow the crop and flip; a resize leaves them unchanged. They are not clipped here: boxes that leave
the crop keep their coordinates outside [0, 1] (tf_i2i.data.boxes.transform clips or drops them).
Randomness is stateless and comes from the per-element seed, so a (seed, element
index) pair always gives the same result.

Preprocess modes (load_size L, crop_size C):
  resize_and_crop       resize to L x L, random C x C crop
  crop                  random C x C crop of the original
  scale_width_and_crop  width -> L, height keeps the aspect (at least C), random C x C crop
  scale_width           width -> L, height keeps the aspect, no crop
  scale_shorter_side_and_crop  shorter side -> L, the other keeps the aspect (truncated, as
                        torchvision's Resize(L)), random C x C crop (MUNIT/UNIT's new_size)
  resize                resize to C x C, no crop
  fixed                 resize to C wide, round(C / aspect_ratio) high, no crop (SPADE's Cityscapes)
  none                  unchanged
"""

from __future__ import annotations

from collections.abc import Collection

import ml_collections
import tensorflow as tf

from tf_i2i.data.config import CROPPING


def fixed_size(cfg: ml_collections.ConfigDict) -> tuple[int, int]:
    """(height, width) of preprocess "fixed": crop_size wide, crop_size / aspect_ratio high (SPADE)."""
    return round(cfg.crop_size / cfg.aspect_ratio), cfg.crop_size


def _target_size(height: tf.Tensor, width: tf.Tensor, cfg: ml_collections.ConfigDict) -> tf.Tensor | None:
    load, crop = cfg.load_size, cfg.crop_size
    if cfg.preprocess == "resize_and_crop":
        return tf.constant([load, load])
    if cfg.preprocess == "resize":
        return tf.constant([crop, crop])
    if cfg.preprocess == "fixed":
        return tf.constant(fixed_size(cfg))
    if cfg.preprocess in ("scale_width", "scale_width_and_crop"):
        scaled = tf.cast(tf.round(load * tf.cast(height, tf.float32) / tf.cast(width, tf.float32)), tf.int32)
        floor = crop if cfg.preprocess == "scale_width_and_crop" else 1
        return tf.stack([tf.maximum(scaled, floor), tf.constant(load)])
    if cfg.preprocess == "scale_shorter_side_and_crop":
        sides = tf.stack([height, width])
        return sides * load // tf.reduce_min(sides)  # integer maths: the shorter side is exactly L
    return None


def _resize(part: tf.Tensor, size: tf.Tensor, old_size: tf.Tensor, is_flow: bool) -> tf.Tensor:
    if part.dtype.is_integer:
        return tf.image.resize(part, size, method="nearest")
    resized = tf.image.resize(part, size, method="bilinear", antialias=True)
    if is_flow:  # displacements in pixels grow with the picture: x by the width ratio, y by the height ratio
        return resized * tf.reverse(tf.cast(size, tf.float32) / tf.cast(old_size, tf.float32), axis=[0])
    # Float parts are images in [-1, 1]; the antialiasing filter can round a hair past the ends.
    return tf.clip_by_value(resized, -1.0, 1.0)


def _crop_boxes(boxes: tf.Tensor, top: tf.Tensor, left: tf.Tensor, height: tf.Tensor, width: tf.Tensor,
                crop: int) -> tf.Tensor:
    """Normalised boxes of a height x width picture -> normalised to its crop x crop window at (top, left)."""
    size = tf.cast(tf.stack([height, width, height, width]), tf.float32)
    origin = tf.cast(tf.stack([top, left, top, left]), tf.float32)
    return (boxes * size - origin) / crop


def _flip_boxes(boxes: tf.Tensor) -> tf.Tensor:
    y1, x1, y2, x2 = tf.unstack(boxes, axis=-1)
    return tf.stack([y1, 1.0 - x2, y2, 1.0 - x1], axis=-1)  # mirrored: the right edge becomes the left


def _flip(part: tf.Tensor, is_flow: bool) -> tf.Tensor:
    flipped = tf.reverse(part, axis=[-2])
    return flipped * tf.constant([-1.0, 1.0]) if is_flow else flipped  # mirrored flow points the other way in x


def augment(
    parts: dict[str, tf.Tensor],
    cfg: ml_collections.ConfigDict,
    seed: tf.Tensor,
    flows: Collection[str] = (),
    boxes: Collection[str] = (),
) -> dict[str, tf.Tensor]:
    """Resize, crop and flip all ``parts`` ([H, W, C] or [T, H, W, C] tensors of one sample) the same way.

    ``flows`` names the parts that hold optical flows (float32 [..., 2], x then y, in pixels); ``boxes``
    the parts that hold normalised boxes (float32 [N, 4]) of the pictures, which follow them.
    """
    box_parts = {name: parts[name] for name in boxes}
    parts = {name: p for name, p in parts.items() if name not in boxes}
    first = next(iter(parts.values()))
    shape = tf.shape(first)
    checks = [
        tf.debugging.assert_equal(
            tf.shape(p)[-3:-1], shape[-3:-1], message=f"parts of one sample differ in size ({name})"
        )
        for name, p in parts.items()
    ]
    with tf.control_dependencies(checks):
        height, width = tf.identity(shape[-3]), tf.identity(shape[-2])
    size = _target_size(height, width, cfg)
    if size is not None:
        old_size = tf.stack([height, width])
        parts = {name: _resize(p, size, old_size, name in flows) for name, p in parts.items()}
        height, width = size[0], size[1]
    top_seed, left_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 3))
    if cfg.preprocess in CROPPING:
        c = cfg.crop_size
        small = tf.debugging.assert_greater_equal(
            tf.minimum(height, width), c, message=f"image smaller than crop_size {c} (preprocess={cfg.preprocess})"
        )
        with tf.control_dependencies([small]):
            top = tf.random.stateless_uniform([], top_seed, minval=0, maxval=height - c + 1, dtype=tf.int32)
            left = tf.random.stateless_uniform([], left_seed, minval=0, maxval=width - c + 1, dtype=tf.int32)
        parts = {name: p[..., top : top + c, left : left + c, :] for name, p in parts.items()}
        box_parts = {name: _crop_boxes(b, top, left, height, width, c) for name, b in box_parts.items()}
    if cfg.flip:
        flip = tf.random.stateless_uniform([], flip_seed) < 0.5
        parts = {
            name: tf.cond(flip, lambda p=p, name=name: _flip(p, name in flows), lambda p=p: p)
            for name, p in parts.items()
        }
        box_parts = {name: tf.cond(flip, lambda b=b: _flip_boxes(b), lambda b=b: b) for name, b in box_parts.items()}
    if cfg.preprocess in CROPPING or cfg.preprocess in ("resize", "fixed"):
        h, w = fixed_size(cfg) if cfg.preprocess == "fixed" else (cfg.crop_size, cfg.crop_size)
        parts = {name: tf.ensure_shape(p, p.shape[:-3] + [h, w, p.shape[-1]]) for name, p in parts.items()}
    return {**parts, **box_parts}
