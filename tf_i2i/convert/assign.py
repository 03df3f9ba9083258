"""Copies official torch parameters into our layers (layout changes: OIHW -> HWIO etc.)."""

from __future__ import annotations

import keras
import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDictView
from tf_i2i.layers import ConvBlock, InstanceNorm, LayerNorm


def _assign(variable, value: np.ndarray, what: str) -> None:
    if tuple(variable.shape) != value.shape:
        raise ConversionError(f"{what}: official shape {value.shape} does not fit ours {tuple(variable.shape)}")
    variable.assign(value.astype(np.float32))


def load_conv(conv: keras.layers.Layer, sd: StateDictView, transpose: bool = False) -> None:
    """Loads `weight` (+ `bias`) into a Conv2D ([O,I,kh,kw] -> [kh,kw,I,O]) or Conv2DTranspose
    ([I,O,kh,kw] -> [kh,kw,O,I]: both frameworks define it as the gradient of a conv, so no flip)."""
    w = sd.take("weight")
    kernel = w.transpose(2, 3, 1, 0)
    _assign(conv.kernel, kernel, f"{sd.prefix}.weight")
    if conv.use_bias:
        _assign(conv.bias, sd.take("bias"), f"{sd.prefix}.bias")
    elif sd.has("bias"):
        raise ConversionError(f"{sd.prefix}.bias exists in the checkpoint but our conv has no bias")


def load_norm(norm: keras.layers.Layer, sd: StateDictView) -> None:
    """Loads BatchNorm2d (weight, bias, running stats), affine InstanceNorm2d or MUNIT LayerNorm."""
    if isinstance(norm, keras.layers.BatchNormalization):
        _assign(norm.gamma, sd.take("weight"), f"{sd.prefix}.weight")
        _assign(norm.beta, sd.take("bias"), f"{sd.prefix}.bias")
        _assign(norm.moving_mean, sd.take("running_mean"), f"{sd.prefix}.running_mean")
        _assign(norm.moving_variance, sd.take("running_var"), f"{sd.prefix}.running_var")
        sd.skip("num_batches_tracked")
    elif isinstance(norm, InstanceNorm):
        if norm.affine:
            _assign(norm.gamma, sd.take("weight"), f"{sd.prefix}.weight")
            _assign(norm.beta, sd.take("bias"), f"{sd.prefix}.bias")
    elif isinstance(norm, LayerNorm):
        if norm.affine:
            _assign(norm.gamma, sd.take("gamma"), f"{sd.prefix}.gamma")
            _assign(norm.beta, sd.take("beta"), f"{sd.prefix}.beta")
    else:
        raise ConversionError(f"no loader for norm layer {type(norm).__name__} at {sd.prefix}")


def load_conv_block(block: ConvBlock, conv_sd: StateDictView, norm_sd: StateDictView | None = None) -> None:
    """Loads a ConvBlock from the official conv module (and its norm module, if the block has one)."""
    load_conv(block.conv_layer, conv_sd, transpose=block.transpose)
    if block.norm is not None:
        if norm_sd is None:
            raise ConversionError(f"{conv_sd.prefix}: our block has a norm but no official norm key was given")
        load_norm(block.norm, norm_sd)
