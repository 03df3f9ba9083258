"""Average pooling that leaves padded cells out of the mean (torch count_include_pad=False)."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tf_i2i")
class AvgPoolExcludePad(keras.layers.Layer):
    """k x k average pool, stride s, zero padding p on every side, dividing each window by the number
    of real (unpadded) pixels in it: torch AvgPool2d(k, s, p, count_include_pad=False).

    pix2pixHD's LocalEnhancer and MultiscaleDiscriminator downsample with (3, 2, 1). TF's 'SAME'
    padding also excludes padding but pads asymmetrically for even sizes, so the padding is explicit
    and the divisor is the same pool over a map of ones. Output size floor((H + 2p - k) / s) + 1.
    """

    def __init__(self, pool_size: int = 3, strides: int = 2, padding: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = int(pool_size)
        self.strides = int(strides)
        self.padding = int(padding)

    def _pool(self, x: tf.Tensor) -> tf.Tensor:
        p = self.padding
        x = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]])
        return tf.nn.avg_pool2d(x, self.pool_size, self.strides, "VALID")

    def call(self, x):
        ones = tf.ones_like(x[:1, :, :, :1])
        return self._pool(x) / self._pool(ones)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        out = lambda n: None if n is None else (n + 2 * self.padding - self.pool_size) // self.strides + 1  # noqa: E731
        return (b, out(h), out(w), c)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding}
