"""The graph functions behind every exported endpoint: size check, pixel conversion, generator call.

Both the SavedModel endpoints and checkpoint-mode translation run these, so a served model and a
restored checkpoint translate an image identically.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

FLOAT_RANGE = (-1.0, 1.0)
UINT8_RANGE = (0, 255)


def image_spec(channels: int, dtype: tf.DType, batch: int | None = None, height: int | None = None,
               width: int | None = None) -> tf.TensorSpec:
    """NHWC input spec named 'image' (the signature's input key); None dims stay dynamic."""
    return tf.TensorSpec([batch, height, width, channels], dtype, name="image")


def _assert_multiple(images: tf.Tensor, multiple: int, endpoint: str) -> tf.Operation:
    """Serving-time check: a clear error instead of a shape mismatch deep inside the generator."""
    shape = tf.shape(images)
    ok = tf.logical_and(shape[1] % multiple == 0, shape[2] % multiple == 0)
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': image height and width must be multiples of {multiple} "
        "(resize or pad the image first); got height, width =", shape[1], shape[2]])


def float_fn(generator: keras.Model, endpoint: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """float32 [-1, 1] NHWC -> generator output in [-1, 1], inference mode (BatchNorm moving stats)."""
    def serve(images: tf.Tensor) -> tf.Tensor:
        with tf.control_dependencies([_assert_multiple(images, generator.size_multiple, endpoint)]):
            return tf.cast(generator(images, training=False), tf.float32)
    return serve


def uint8_fn(generator: keras.Model, endpoint: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """uint8 [0, 255] NHWC -> uint8 image: the [-1, 1] conversions happen inside the graph."""
    to_image = float_fn(generator, endpoint)

    def serve(images: tf.Tensor) -> tf.Tensor:
        out = to_image(tf.cast(images, tf.float32) / 127.5 - 1.0)
        return tf.cast(tf.round(tf.clip_by_value((out + 1.0) * 127.5, 0.0, 255.0)), tf.uint8)
    return serve
