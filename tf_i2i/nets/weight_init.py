"""The official MUNIT/UNIT `init` option: re-draw every conv and dense kernel of a built network.

The official trainers apply weights_init(hyperparameters['init']) to the generators (kaiming in
every released config) and weights_init('gaussian') to the discriminators: conv and linear weights
from the named distribution, biases zero; norm and PReLU parameters keep their own initial values.
"""

from __future__ import annotations

import math

import keras

from tf_i2i.errors import ConfigError
from tf_i2i.layers.spectral_norm import SpectralNorm

INITS = ("gaussian", "conv_gaussian", "kaiming", "xavier", "orthogonal", "default")


def initializer(kind: str) -> keras.initializers.Initializer | None:
    """The Keras initializer of an official init name with torch's fans (None for 'default':
    keep the layers' own)."""
    if kind in ("gaussian", "conv_gaussian"):
        return keras.initializers.RandomNormal(0.0, 0.02)
    if kind == "kaiming":  # kaiming_normal(a=0, mode='fan_in'): std sqrt(2 / fan_in)
        return keras.initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal")
    if kind == "xavier":  # xavier_normal(gain=sqrt(2)): std sqrt(2) * sqrt(2 / (fan_in + fan_out))
        return keras.initializers.VarianceScaling(2.0, "fan_avg", "untruncated_normal")
    if kind == "orthogonal":
        return keras.initializers.Orthogonal(gain=math.sqrt(2.0))
    if kind == "default":
        return None
    raise ConfigError(f"unknown init {kind!r}; expected one of {INITS}")


def init_weights(network: keras.layers.Layer, kind: str) -> int:
    """Re-draws the kernels of every Conv2D/Conv2DTranspose/Dense inside the built `network` from
    `kind` and zeroes their biases; returns how many layers changed.

    'conv_gaussian' is DRIT's and MDMM's gaussian_weights_init: N(0, 0.02) on conv and transposed
    conv kernels only; biases and linear layers keep their initial values.

    Convs under spectral norm are left alone: their power-iteration vectors were fitted to the
    initial kernel.
    """
    init = initializer(kind)
    if init is None:
        return 0
    skipped = {id(layer.layer) for layer in network._flatten_layers() if isinstance(layer, SpectralNorm)}
    conv_only = kind == "conv_gaussian"
    convs = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)  # Keras 3: not one a subclass of the other
    kinds = convs if conv_only else convs + (keras.layers.Dense,)
    changed = 0
    for layer in network._flatten_layers():
        if not isinstance(layer, kinds) or id(layer) in skipped:
            continue
        if not layer.built:
            raise ValueError(f"{network.name}/{layer.name} is not built: build the network before re-initialising it")
        layer.kernel.assign(init(layer.kernel.shape))
        if layer.bias is not None and not conv_only:
            layer.bias.assign(keras.ops.zeros(layer.bias.shape))
        changed += 1
    return changed
