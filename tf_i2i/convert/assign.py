"""Copies official torch parameters into our layers (layout changes: OIHW -> HWIO etc.)."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDictView
from tf_i2i.layers import ConvBlock, InstanceNorm, LayerNorm, SpectralNorm, TorchLayerNorm
from tf_i2i.layers.activations import PReLU


def _assign(variable, value: np.ndarray, what: str) -> None:
    if tuple(variable.shape) != value.shape:
        raise ConversionError(f"{what}: official shape {value.shape} does not fit ours {tuple(variable.shape)}")
    variable.assign(value.astype(np.float32))


def load_spectral_conv(sn: SpectralNorm, sd: StateDictView, weight_key: str = "weight_orig") -> None:
    """Loads an official spectral-norm Conv2d into our SpectralNorm(Conv2D), which keeps torch's
    parametrisation: the unnormalised weight (`weight_key`) into the kernel, weight_u into u,
    weight_v into v.

    torch's v runs over the weight reshaped [out, in*kh*kw], i.e. in (in, kh, kw) order; ours runs
    over the HWIO kernel reshaped [kh*kw*in, out], so it is permuted to (kh, kw, in).

    MUNIT's own wrapper keeps the weight as `weight_bar` and updates u, v on every forward call;
    they load as saved, and our layer (variant 'munit') makes that update on its next call too."""
    w, u, v = sd.take(weight_key), sd.take("weight_u"), sd.take("weight_v")
    out_c, in_c, kh, kw = w.shape
    if u.shape != (out_c,) or v.shape != (in_c * kh * kw,):
        raise ConversionError(f"{sd.prefix}: weight_u {u.shape} / weight_v {v.shape} do not fit "
                              f"{weight_key} {w.shape}")
    load_conv(sn.layer, sd, weight=w)
    _assign(sn.u, u, f"{sd.prefix}.weight_u")
    _assign(sn.v, v.reshape(in_c, kh, kw).transpose(1, 2, 0).reshape(-1), f"{sd.prefix}.weight_v")


def load_buffered_spectral_conv(sn: SpectralNorm, sd: StateDictView) -> None:
    """Loads a conv under the spectral norm that DRIT/MDMM copied from torch 0.5: keys weight_orig
    (the parameter), weight_u and `weight`, a buffer its eval forward uses as it is (weight_orig /
    sigma as of the last training forward; weight_orig itself in a module never run in training
    mode). There is no weight_v.

    We give exactly that eval weight and keep the training parametrisation: kernel = s * weight,
    s the least-squares scale of `weight` onto weight_orig (so kernel = weight_orig whenever the
    buffer is a scaled weight_orig, i.e. unless an optimiser step came after the last forward),
    u = weight_u, and v chosen so that sigma = v . (W u) = s. Training then runs the official power
    iteration from u (it recomputes v first)."""
    w_orig, w_eval, u = sd.take("weight_orig"), sd.take("weight"), sd.take("weight_u")
    if w_eval.shape != w_orig.shape or w_orig.ndim != 4 or u.shape != (w_orig.shape[0],):
        raise ConversionError(f"{sd.prefix}: weight {w_eval.shape} / weight_u {u.shape} do not fit "
                              f"weight_orig {w_orig.shape}")
    w_eval64 = w_eval.astype(np.float64)
    scale = float(np.vdot(w_eval64, w_orig) / max(np.vdot(w_eval64, w_eval64), 1e-300))
    if not np.isfinite(scale) or scale <= 0:
        raise ConversionError(f"{sd.prefix}: the eval weight is not a positive multiple of weight_orig")
    kernel = scale * w_eval64
    load_conv(sn.layer, sd, weight=kernel)
    mat = kernel.transpose(2, 3, 1, 0).reshape(-1, kernel.shape[0])  # our [kh*kw*in, out] matrix
    wu = mat @ u.astype(np.float64)
    if not np.vdot(wu, wu) > 0:
        raise ConversionError(f"{sd.prefix}.weight_u: W u is zero, so no sigma can be set")
    _assign(sn.u, u, f"{sd.prefix}.weight_u")
    _assign(sn.v, wu * (scale / np.vdot(wu, wu)), f"{sd.prefix} (v)")


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


def load_activation(act: keras.layers.Layer | None, sd: StateDictView) -> None:
    """nn.PReLU() has one learned slope, `weight` of shape [1]; the other activations have none."""
    if isinstance(act, PReLU):
        w = sd.take("weight")
        if w.shape != (1,):
            raise ConversionError(f"{sd.prefix}.weight: official PReLU slopes {w.shape} do not fit our single "
                                  "slope (nn.PReLU() without num_parameters)")
        _assign(act.alpha, w.reshape(()), f"{sd.prefix}.weight")


def load_norm(norm: keras.layers.Layer, sd: StateDictView) -> None:
    """Loads BatchNorm2d (weight, bias, running stats), affine InstanceNorm2d, MUNIT or DRIT LayerNorm."""
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
    elif isinstance(norm, TorchLayerNorm):  # DRIT's LayerNorm: weight / bias of shape [C, 1, 1]
        if norm.affine:
            _assign(norm.gamma, sd.take("weight").reshape(-1), f"{sd.prefix}.weight")
            _assign(norm.beta, sd.take("bias").reshape(-1), f"{sd.prefix}.bias")
    elif isinstance(norm, LayerNorm):
        if norm.affine:
            _assign(norm.gamma, sd.take("gamma"), f"{sd.prefix}.gamma")
            _assign(norm.beta, sd.take("beta"), f"{sd.prefix}.beta")
    else:
        raise ConversionError(f"no loader for norm layer {type(norm).__name__} at {sd.prefix}")


def load_conv_block(block: ConvBlock, conv_sd: StateDictView, norm_sd: StateDictView | None = None,
                    load_spectral: Callable[[SpectralNorm, StateDictView], None] | None = None) -> None:
    """Loads a ConvBlock from the official conv module (and its norm module, if the block has one).
    A spectral-norm conv loads with `load_spectral` (torch's parametrisation by default)."""
    if block.spectral_norm:
        (load_spectral or load_spectral_conv)(block.conv, conv_sd)
    else:
        load_conv(block.conv_layer, conv_sd, transpose=block.transpose)
    if block.norm is not None:
        if norm_sd is None:
            raise ConversionError(f"{conv_sd.prefix}: our block has a norm but no official norm key was given")
        load_norm(block.norm, norm_sd)
