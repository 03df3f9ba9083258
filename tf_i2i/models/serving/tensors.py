"""Graph pieces every exported endpoint shares: input specs, the serving-time size check and the
pixel conversions between float32 [-1, 1] and uint8 [0, 255].

Both the SavedModel endpoints and checkpoint-mode translation run these, so a served model and a
restored checkpoint translate an image identically.
"""

from __future__ import annotations

import re

import tensorflow as tf

FLOAT_RANGE = (-1.0, 1.0)
UINT8_RANGE = (0, 255)
UINT8_SUFFIX = "_uint8"
_FAILED_CHECK = re.compile(r"assertion failed: \[(tf_i2i endpoint .*?)\] \[(-?\d+)\] \[(-?\d+)\]")


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


def assert_multiple(tensor: tf.Tensor, multiple: int, endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check: a clear error instead of a shape mismatch deep inside the generator."""
    shape = tf.shape(tensor)
    ok = tf.logical_and(shape[1] % multiple == 0, shape[2] % multiple == 0)
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} height and width must be multiples of {multiple} "
        "(resize or pad the input first); got height, width =", shape[1], shape[2]])


def assert_min_side(tensor: tf.Tensor, min_side: int, endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check for an encoder that halves its input until a reflect pad runs out of
    pixels (DRIT's attribute encoder): a clear error instead of a MirrorPad failure."""
    shape = tf.shape(tensor)
    ok = tf.logical_and(shape[1] >= min_side, shape[2] >= min_side)
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} height and width must be at least {min_side}; "
        "got height, width =", shape[1], shape[2]])


def assert_size(tensor: tf.Tensor, size: tuple[int, int], endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check for a generator with one output size (SPADE): the input must be that size."""
    shape = tf.shape(tensor)
    ok = tf.logical_and(shape[1] == size[0], shape[2] == size[1])
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} must be {size[0]}x{size[1]} (height x width), the "
        "generator's output size (resize it first, nearest neighbour for label maps); got height, width =",
        shape[1], shape[2]])


def failed_check(err: tf.errors.InvalidArgumentError) -> str | None:
    """The message of a failed check above with the height and width it got, None for other
    errors: TF wraps a graph's assertion in framing and escapes its quotes."""
    match = _FAILED_CHECK.search(err.message)
    return None if match is None else f"{match[1]} {match[2]}, {match[3]}".replace("\\'", "'")


def to_float(pixels: tf.Tensor) -> tf.Tensor:
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return tf.cast(pixels, tf.float32) / 127.5 - 1.0


def to_uint8(images: tf.Tensor) -> tf.Tensor:
    """float [-1, 1] -> uint8 [0, 255], rounded and clipped."""
    return tf.cast(tf.round(tf.clip_by_value((images + 1.0) * 127.5, 0.0, 255.0)), tf.uint8)
