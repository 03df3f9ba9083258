"""Graph pieces every exported endpoint shares: input specs and the
pixel conversions between float32 [-1, 1] and uint8 [0, 255].

Both the SavedModel endpoints and checkpoint-mode translation run these, so a served model and a
restored checkpoint translate an image identically.
"""

from __future__ import annotations

import tensorflow as tf

FLOAT_RANGE = (-1.0, 1.0)
UINT8_RANGE = (0, 255)
UINT8_SUFFIX = "_uint8"


def image_spec(channels: int, dtype: tf.DType, batch: int | None = None, height: int | None = None,
               width: int | None = None, name: str = "image") -> tf.TensorSpec:
    """NHWC input spec named `name` (the signature's input key); None dims stay dynamic."""
    return tf.TensorSpec([batch, height, width, channels], dtype, name=name)


def label_specs(use_instance: bool, picture_channels: int = 0) -> tuple[tf.TensorSpec, ...]:
    """The label-map inputs of the semantic synthesis endpoints: 'label' int32 [B,H,W,1] (or, with
    `picture_channels`, 'label_image' float [B,H,W,picture_channels]), plus 'instance' int32 [B,H,W,1]."""
    label = (image_spec(picture_channels, tf.float32, name="label_image") if picture_channels
             else image_spec(1, tf.int32, name="label"))
    return (label,) + ((image_spec(1, tf.int32, name="instance"),) if use_instance else ())


def to_float(pixels: tf.Tensor) -> tf.Tensor:
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return tf.cast(pixels, tf.float32) / 127.5 - 1.0


def to_uint8(images: tf.Tensor) -> tf.Tensor:
    """float [-1, 1] -> uint8 [0, 255], rounded and clipped."""
    return tf.cast(tf.round(tf.clip_by_value((images + 1.0) * 127.5, 0.0, 255.0)), tf.uint8)
