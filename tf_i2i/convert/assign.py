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


def spectral_normalized_weight(sd: StateDictView) -> np.ndarray:
    """The weight torch.nn.utils.spectral_norm uses in eval mode: weight_orig / sigma with
    sigma = u . (W v) from the stored u and v (no power iteration outside training).

    A fixture's `weight_effective` (the weight its eval forward used) is checked against it."""
    w, u, v = sd.take("weight_orig"), sd.take("weight_u"), sd.take("weight_v")
    w64 = w.astype(np.float64)
    sigma = float(u.astype(np.float64) @ w64.reshape(w.shape[0], -1) @ v.astype(np.float64))
    effective = (w64 / sigma).astype(np.float32)
    if sd.has("weight_effective"):
        given = sd.take("weight_effective")
        if not np.allclose(given, effective, rtol=1e-5, atol=1e-6):
            raise ConversionError(f"{sd.prefix}: weight_effective differs from weight_orig / (u . W v) by "
                                  f"{np.max(np.abs(given - effective)):.3g}")
    return effective


def load_spectral_conv(sn: keras.layers.SpectralNormalization, sd: StateDictView) -> None:
    """Loads an official spectral-norm Conv2d into keras SpectralNormalization(Conv2D).

    Keras keeps the normalised kernel in the conv and uses it as is at inference, renormalising
    (one power iteration from vector_u) only in training calls. So the kernel gets torch's eval
    weight and vector_u gets torch's u: both frameworks' u is the left singular vector over the
    output channels, so training resumes the official power iteration."""
    if isinstance(sn.layer, keras.layers.Conv2DTranspose):
        raise ConversionError(f"{sd.prefix}: spectral norm on a transposed conv is not supported")
    load_conv(sn.layer, sd, weight=spectral_normalized_weight(sd))
    _assign(sn.vector_u, sd.take("weight_u")[None, :], f"{sd.prefix}.weight_u")


def load_conv(conv: keras.layers.Layer, sd: StateDictView, transpose: bool = False,
              weight: np.ndarray | None = None) -> None:
    """Loads `weight` (+ `bias`) into a Conv2D ([O,I,kh,kw] -> [kh,kw,I,O]) or Conv2DTranspose
    ([I,O,kh,kw] -> [kh,kw,O,I]: both frameworks define it as the gradient of a conv, so no flip).
    `weight` replaces the `weight` key (a spectral-norm conv's normalised weight)."""
    w = sd.take("weight") if weight is None else weight
    kernel = w.transpose(2, 3, 1, 0)
    _assign(conv.kernel, kernel, f"{sd.prefix}.weight")
    if conv.use_bias:
        _assign(conv.bias, sd.take("bias"), f"{sd.prefix}.bias")
    elif sd.has("bias"):
        raise ConversionError(f"{sd.prefix}.bias exists in the checkpoint but our conv has no bias")


def load_dense(dense: keras.layers.Dense, sd: StateDictView) -> None:
    """Loads a torch Linear (`weight` [out, in], `bias`) into a Dense (kernel [in, out])."""
    _assign(dense.kernel, sd.take("weight").T, f"{sd.prefix}.weight")
    _assign(dense.bias, sd.take("bias"), f"{sd.prefix}.bias")


def load_norm(norm: keras.layers.Layer, sd: StateDictView) -> None:
    """Loads BatchNorm2d (weight, bias, running stats), affine InstanceNorm2d or MUNIT LayerNorm."""
    if isinstance(norm, keras.layers.BatchNormalization):
        if norm.scale:  # affine=False (SPADE's parameter-free norm) has running stats only
            _assign(norm.gamma, sd.take("weight"), f"{sd.prefix}.weight")
        if norm.center:
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
    if block.spectral_norm:
        load_spectral_conv(block.conv, conv_sd)
    else:
        load_conv(block.conv_layer, conv_sd, transpose=block.transpose)
    if block.norm is not None:
        if norm_sd is None:
            raise ConversionError(f"{conv_sd.prefix}: our block has a norm but no official norm key was given")
        load_norm(block.norm, norm_sd)
