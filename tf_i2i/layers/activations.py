"""Activation layers by config name, with the slopes the papers use."""

from __future__ import annotations

import keras

ACTIVATIONS = ("none", "relu", "lrelu", "prelu", "selu", "tanh", "sigmoid")


def make_activation(kind: str, name: str | None = None, dtype=None) -> keras.layers.Layer | None:
    """Returns the activation layer for `kind` (None for 'none'); 'lrelu' is LeakyReLU(0.2)."""
    if kind == "none":
        return None
    if kind == "lrelu":
        return keras.layers.LeakyReLU(negative_slope=0.2, name=name, dtype=dtype)
    if kind == "prelu":
        return keras.layers.PReLU(shared_axes=[1, 2], alpha_initializer=keras.initializers.Constant(0.25),
                                  name=name, dtype=dtype)
    if kind in ("relu", "selu", "tanh", "sigmoid"):
        return keras.layers.Activation(kind, name=name, dtype=dtype)
    raise ValueError(f"unknown activation {kind!r}; expected one of {ACTIVATIONS}")
