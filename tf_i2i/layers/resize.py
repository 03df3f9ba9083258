"""Resizing that traces with dynamic H/W and matches torch's F.interpolate."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError

RESIZE_METHODS = ("nearest", "bilinear", "bilinear_align_corners")


def _nearest_indices(out_size: tf.Tensor, in_size: tf.Tensor) -> tf.Tensor:
    """torch 'nearest': src = floor(dst * in / out), clipped; exact for up- and down-sampling."""
    scale = tf.cast(in_size, tf.float32) / tf.cast(out_size, tf.float32)
    idx = tf.cast(tf.floor(tf.cast(tf.range(out_size), tf.float32) * scale), tf.int32)
    return tf.minimum(idx, in_size - 1)


def resize_images(x: tf.Tensor, size: tf.Tensor, method: str = "nearest") -> tf.Tensor:
    """Resizes NHWC `x` to `size` = (h, w), which may be dynamic tensors."""
    in_h, in_w = tf.shape(x)[1], tf.shape(x)[2]
    if method == "nearest":
        x = tf.gather(x, _nearest_indices(size[0], in_h), axis=1)
        return tf.gather(x, _nearest_indices(size[1], in_w), axis=2)
    dtype = x.dtype
    x = tf.cast(x, tf.float32)
    if method == "bilinear":
        y = tf.image.resize(x, size, method="bilinear")
    elif method == "bilinear_align_corners":
        y = tf.compat.v1.image.resize_bilinear(x, size, align_corners=True)
    else:
        raise ConfigError(f"unknown resize method {method!r}; expected one of {RESIZE_METHODS}")
    return tf.cast(y, dtype)


@keras.saving.register_keras_serializable(package="tf_i2i")
class Resize(keras.layers.Layer):
    """Resizes by `scale` or to the spatial size of a `like` tensor; H/W may be unknown when tracing.

    keras.layers.UpSampling2D(bilinear) cannot trace with dynamic H/W (stack-facts), hence this layer.
    Nearest uses gathers (TFLite builtin) and reproduces torch's legacy nearest exactly.
    """

    def __init__(self, scale: float = 2.0, method: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        if method not in RESIZE_METHODS:
            raise ConfigError(f"unknown resize method {method!r}; expected one of {RESIZE_METHODS}")
        self.scale = float(scale)
        self.method = method

    def call(self, x, like=None):
        if like is not None:
            size = tf.shape(like)[1:3]
        else:
            hw = tf.cast(tf.shape(x)[1:3], tf.float32) * self.scale
            size = tf.cast(tf.floor(hw), tf.int32)
        return resize_images(x, size, self.method)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "method": self.method}
