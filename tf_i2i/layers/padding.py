"""Explicit spatial padding (zero / reflect / replicate), so convolutions match torch's symmetric padding."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError

PAD_MODES = ("zero", "reflect", "replicate")


def _replicate_pad(x: tf.Tensor, p: int) -> tf.Tensor:
    """Edge padding built from slices and tiles, which are TFLite builtins (tf.pad has no EDGE mode)."""
    top = tf.tile(x[:, :1], [1, p, 1, 1])
    bottom = tf.tile(x[:, -1:], [1, p, 1, 1])
    x = tf.concat([top, x, bottom], axis=1)
    left = tf.tile(x[:, :, :1], [1, 1, p, 1])
    right = tf.tile(x[:, :, -1:], [1, 1, p, 1])
    return tf.concat([left, x, right], axis=2)


@keras.saving.register_keras_serializable(package="tf_i2i")
class Pad2D(keras.layers.Layer):
    """Pads H and W by `padding` pixels on every side, like torch's Zero/Reflection/ReplicationPad2d."""

    def __init__(self, padding: int = 1, mode: str = "zero", **kwargs):
        super().__init__(**kwargs)
        if mode not in PAD_MODES:
            raise ConfigError(f"unknown padding mode {mode!r}; expected one of {PAD_MODES}")
        self.padding = int(padding)
        self.mode = mode

    def call(self, x):
        p = self.padding
        if p == 0:
            return x
        if self.mode == "replicate":
            return _replicate_pad(x, p)
        tf_mode = "REFLECT" if self.mode == "reflect" else "CONSTANT"
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode=tf_mode)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        grow = lambda n: None if n is None else n + 2 * self.padding  # noqa: E731
        return (b, grow(h), grow(w), c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "mode": self.mode}
