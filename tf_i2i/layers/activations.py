"""Activation layers by config name, with the slopes the papers use."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError

ACTIVATIONS = ("none", "relu", "lrelu", "prelu", "selu", "tanh", "sigmoid")


@keras.saving.register_keras_serializable(package="tf_i2i")
class LeakyReLU(keras.layers.Layer):
    """max(x, slope * x) whose gradient is computed from its output instead of its input.

    Why: TF's LeakyReluGrad reads the activation's input, the conv's BiasAdd. Grappler's remapper
    then fuses conv + bias + LeakyReLU anyway, finds the BiasAdd still needed, and drops every
    fusion of the train step ('remapper failed ... LeakyReluGrad' on stderr). With slope > 0 the
    output has the input's sign, so the output is enough and the fusion goes through; the gradient
    is still the one fused LeakyReluGrad op, given the output.
    """

    def __init__(self, negative_slope: float = 0.2, **kwargs):
        super().__init__(**kwargs)
        if negative_slope <= 0:
            raise ConfigError(f"negative_slope must be > 0 (the gradient reads the output's sign), got {negative_slope}")
        self.negative_slope = negative_slope

    def call(self, x):
        slope = self.negative_slope

        @tf.custom_gradient
        def leaky_relu(features):
            y = tf.nn.leaky_relu(features, slope)

            def grad(dy):  # LeakyReluGrad only tests its `features` > 0: the output's sign does as well
                return tf.raw_ops.LeakyReluGrad(gradients=dy, features=y, alpha=slope)
            return y, grad
        return leaky_relu(x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@keras.saving.register_keras_serializable(package="tf_i2i")
class PReLU(keras.layers.Layer):
    """max(x, 0) + alpha * min(x, 0) with ONE learned slope for every channel and any input rank, as
    torch's nn.PReLU() (0.25 at first), so MUNIT's conv and linear blocks load official slopes."""

    def build(self, input_shape):
        self.alpha = self.add_weight(shape=(), initializer=keras.initializers.Constant(0.25), name="alpha")

    def call(self, x):
        return tf.nn.relu(x) - tf.cast(self.alpha, x.dtype) * tf.nn.relu(-x)

    def compute_output_shape(self, input_shape):
        return input_shape


def make_activation(kind: str, name: str | None = None, dtype=None) -> keras.layers.Layer | None:
    """Returns the activation layer for `kind` (None for 'none'); 'lrelu' is LeakyReLU(0.2)."""
    if kind == "none":
        return None
    if kind == "lrelu":
        return LeakyReLU(0.2, name=name, dtype=dtype)
    if kind == "prelu":
        return PReLU(name=name, dtype=dtype)
    if kind in ("relu", "selu", "tanh", "sigmoid"):
        return keras.layers.Activation(kind, name=name, dtype=dtype)
    raise ConfigError(f"unknown activation {kind!r}; expected one of {ACTIVATIONS}")
