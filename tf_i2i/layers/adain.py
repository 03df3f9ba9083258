"""Adaptive instance normalisation (Huang & Belongie 2017), the way MUNIT injects a style code."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers.normalization import InstanceNorm
from tf_i2i.layers.region_norm import region_normalize


@keras.saving.register_keras_serializable(package="tf_i2i")
class AdaIN(keras.layers.Layer):
    """call(x, params): instance-normalise x [B,H,W,C], then scale and shift it per sample.

    params [B, 2C] comes from outside (MUNIT's MLP of the style code), in the official layout: the
    first C values are the shift (the AdaIN layer's `bias`, the target mean), the next C the scale
    (its `weight`, the target std). Per-pixel params [B, H, W, 2C] (INIT's region-wise AdaIN, see
    region_adain.py) scale and shift each pixel with its own values; with `regions` [B, H, W, R]
    (one-hot) each region is normalised with its own statistics (region_norm.py), so one object's
    style or content never moves the rest. The statistics are always the input's own, in training and
    at inference (the official layer's running buffers are never read).
    """

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.norm = InstanceNorm(epsilon, affine=False, name="norm", dtype=self.dtype_policy)

    @staticmethod
    def num_params(channels: int) -> int:
        """Length of this layer's slice of the style MLP's output."""
        return 2 * channels

    def call(self, x, params, regions=None, training=None):
        channels = x.shape[-1]
        if regions is None:
            y = tf.cast(self.norm(x, training=training), tf.float32)
        else:
            y = region_normalize(x, regions, self.epsilon)
        params = tf.cast(params, tf.float32)
        if params.shape.rank == 2:
            params = params[:, None, None, :]
        shift = params[..., :channels]
        scale = params[..., channels:2 * channels]
        return tf.cast(y * scale + shift, self.compute_dtype)

    def build(self, x_shape, params_shape=None, regions_shape=None):
        self.norm.build(x_shape)

    def compute_output_shape(self, x_shape, params_shape=None, regions_shape=None):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
