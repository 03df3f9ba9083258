"""Copies official torch parameters into our layers (layout changes: OIHW -> HWIO etc.)."""

from __future__ import annotations

import keras
import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDictView
from tf_i2i.layers import ConvBlock, InstanceNorm, LayerNorm, SpectralNorm


def _assign(variable, value: np.ndarray, what: str) -> None:
    if tuple(variable.shape) != value.shape:
        raise ConversionError(f"{what}: official shape {value.shape} does not fit ours {tuple(variable.shape)}")
    variable.assign(value.astype(np.float32))


def load_spectral_conv(sn: SpectralNorm, sd: StateDictView) -> None:
    """Loads an official spectral-norm Conv2d into our SpectralNorm(Conv2D), which keeps torch's
    parametrisation: weight_orig into the kernel, weight_u into u, weight_v into v.

    torch's v runs over weight_orig reshaped [out, in*kh*kw], i.e. in (in, kh, kw) order; ours runs
    over the HWIO kernel reshaped [kh*kw*in, out], so it is permuted to (kh, kw, in). A fixture's
    `weight_effective` (the weight its eval forward used) must equal our eval weight."""
    w, u, v = sd.take("weight_orig"), sd.take("weight_u"), sd.take("weight_v")
    load_conv(sn.layer, sd, weight=w)
    _assign(sn.u, u, f"{sd.prefix}.weight_u")
    _, in_c, kh, kw = w.shape
    if v.shape != (in_c * kh * kw,):
        raise ConversionError(f"{sd.prefix}.weight_v: shape {v.shape} does not fit weight_orig {w.shape}")
    _assign(sn.v, v.reshape(in_c, kh, kw).transpose(1, 2, 0).reshape(-1), f"{sd.prefix}.weight_v")
    if sd.has("weight_effective"):
        given = sd.take("weight_effective").transpose(2, 3, 1, 0)
        ours = np.asarray(sn.normalized_kernel(training=False))
        if not np.allclose(given, ours, rtol=1e-5, atol=1e-6):
            raise ConversionError(f"{sd.prefix}: weight_effective differs from weight_orig / (u . W v) by "
                                  f"{np.max(np.abs(given - ours)):.3g}")


def load_conv(conv: keras.layers.Layer, sd: StateDictView, transpose: bool = False,
              weight: np.ndarray | None = None) -> None:
    """Loads `weight` (+ `bias`) into a Conv2D ([O,I,kh,kw] -> [kh,kw,I,O]) or Conv2DTranspose
    ([I,O,kh,kw] -> [kh,kw,O,I]: both frameworks define it as the gradient of a conv, so no flip).
    `weight` replaces the `weight` key (a spectral-norm conv's weight_orig)."""
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
