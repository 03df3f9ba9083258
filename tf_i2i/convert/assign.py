"""Copies official torch parameters into our layers (layout changes: OIHW -> HWIO etc.)."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView, shape_error
from tf_i2i.layers import ConvBlock, InstanceNorm, LayerNorm, SpectralNorm, TorchLayerNorm, TrackedInstanceNorm
from tf_i2i.layers.activations import PReLU


# Torch's [out, in, kh, kw] conv weight (and [in, out, kh, kw] transposed one) -> our [kh, kw, in, out].
CONV_AXES = (2, 3, 1, 0)


def torch_shape(ours: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """The torch-order shape that `value.transpose(axes)` turns into `ours`."""
    return tuple(ours) if axes is None else tuple(ours[axes.index(i)] for i in range(len(axes)))


def check_shape(sd: StateDict | StateDictView, key: str, value: np.ndarray, expected: tuple[int, ...]) -> None:
    """Raises the one shape error (torch order, official key, source file) unless `value` has `expected`."""
    if tuple(value.shape) != tuple(expected):
        raise shape_error(sd.path(key), tuple(expected), tuple(value.shape), sd.source)


def _assign(variable, sd: StateDict | StateDictView, key: str, value: np.ndarray | None = None,
            axes: tuple[int, ...] | None = None, official_shape: tuple[int, ...] | None = None) -> None:
    """Assigns official `key` of `sd` (or `value`, in torch's layout) to our variable: transposed by
    `axes`, then reshaped to ours. `official_shape` is the torch shape expected when the layouts also
    differ in rank (a LayerNorm's [C, 1, 1] weight for our [C])."""
    value = sd.take(key) if value is None else value
    ours = tuple(variable.shape)
    check_shape(sd, key, value, official_shape or torch_shape(ours, axes))
    value = value if axes is None else value.transpose(axes)
    variable.assign(value.reshape(ours).astype(np.float32))


def load_spectral_conv(sn: SpectralNorm, sd: StateDictView, weight_key: str = "weight_orig") -> None:
    """Loads an official spectral-norm Conv2d into our SpectralNorm(Conv2D), which keeps torch's
    parametrisation: the unnormalised weight (`weight_key`) into the kernel, weight_u into u,
    weight_v into v.

    torch's v runs over the weight reshaped [out, in*kh*kw], i.e. in (in, kh, kw) order; ours runs
    over the HWIO kernel reshaped [kh*kw*in, out], so it is permuted to (kh, kw, in).

    MUNIT's own wrapper keeps the weight as `weight_bar` and updates u, v on every forward call;
    they load as saved, and our layer (variant 'munit') makes that update on its next call too."""
    w, u, v = sd.take(weight_key), sd.take("weight_u"), sd.take("weight_v")
    check_shape(sd, weight_key, w, torch_shape(tuple(sn.layer.kernel.shape), CONV_AXES))
    out_c, in_c, kh, kw = w.shape
    check_shape(sd, "weight_u", u, (out_c,))
    check_shape(sd, "weight_v", v, (in_c * kh * kw,))
    load_conv(sn.layer, sd, weight=w, weight_key=weight_key)
    _assign(sn.u, sd, "weight_u", u)
    _assign(sn.v, sd, "weight_v", v.reshape(in_c, kh, kw).transpose(1, 2, 0).reshape(-1), official_shape=v.shape)


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
    expected = torch_shape(tuple(sn.layer.kernel.shape), CONV_AXES)
    check_shape(sd, "weight_orig", w_orig, expected)
    check_shape(sd, "weight", w_eval, expected)
    check_shape(sd, "weight_u", u, expected[:1])
    w_eval64 = w_eval.astype(np.float64)
    scale = float(np.vdot(w_eval64, w_orig) / max(np.vdot(w_eval64, w_eval64), 1e-300))
    if not np.isfinite(scale) or scale <= 0:
        raise ConversionError(f"{sd.prefix}: the eval weight is not a positive multiple of weight_orig")
    kernel = scale * w_eval64
    load_conv(sn.layer, sd, weight=kernel, weight_key="weight_orig")
    mat = kernel.transpose(2, 3, 1, 0).reshape(-1, kernel.shape[0])  # our [kh*kw*in, out] matrix
    wu = mat @ u.astype(np.float64)
    if not np.vdot(wu, wu) > 0:
        raise ConversionError(f"{sd.prefix}.weight_u: W u is zero, so no sigma can be set")
    _assign(sn.u, sd, "weight_u", u)
    sn.v.assign((wu * (scale / np.vdot(wu, wu))).astype(np.float32))  # derived, of our own shape


def load_conv(conv: keras.layers.Layer, sd: StateDictView, transpose: bool = False,
              weight: np.ndarray | None = None, weight_key: str = "weight") -> None:
    """Loads `weight` (+ `bias`) into a Conv2D ([O,I,kh,kw] -> [kh,kw,I,O]) or Conv2DTranspose
    ([I,O,kh,kw] -> [kh,kw,O,I]: both frameworks define it as the gradient of a conv, so no flip).
    `weight` replaces the `weight` key (a spectral-norm conv's `weight_key`, weight_orig)."""
    _assign(conv.kernel, sd, weight_key, weight, axes=CONV_AXES)
    if conv.use_bias:
        _assign(conv.bias, sd, "bias")
    elif sd.has("bias"):
        raise ConversionError(f"{sd.path('bias')} exists in {sd.source} but the network the options build has "
                              "no bias there")


def load_dense(dense: keras.layers.Dense, sd: StateDictView) -> None:
    """Loads a torch Linear (`weight` [out, in], `bias`) into a Dense (kernel [in, out])."""
    _assign(dense.kernel, sd, "weight", axes=(1, 0))
    _assign(dense.bias, sd, "bias")


def load_activation(act: keras.layers.Layer | None, sd: StateDictView) -> None:
    """nn.PReLU() has one learned slope, `weight` of shape [1]; the other activations have none."""
    if isinstance(act, PReLU):
        _assign(act.alpha, sd, "weight", official_shape=(1,))  # nn.PReLU(): one slope


def load_norm(norm: keras.layers.Layer, sd: StateDictView) -> None:
    """Loads BatchNorm2d (weight, bias, running stats), affine or running-stat InstanceNorm2d, MUNIT or
    DRIT LayerNorm."""
    if isinstance(norm, keras.layers.BatchNormalization):
        if norm.scale:  # affine=False (SPADE's parameter-free norm) has running stats only
            _assign(norm.gamma, sd, "weight")
        if norm.center:
            _assign(norm.beta, sd, "bias")
        _assign(norm.moving_mean, sd, "running_mean")
        _assign(norm.moving_variance, sd, "running_var")
        sd.skip("num_batches_tracked")
    elif isinstance(norm, TrackedInstanceNorm):  # InstanceNorm2d(track_running_stats=True): buffers only
        _assign(norm.moving_mean, sd, "running_mean")
        _assign(norm.moving_variance, sd, "running_var")
        sd.skip("num_batches_tracked")
    elif isinstance(norm, InstanceNorm):
        if norm.affine:
            _assign(norm.gamma, sd, "weight")
            _assign(norm.beta, sd, "bias")
    elif isinstance(norm, TorchLayerNorm):  # DRIT's LayerNorm: weight / bias of shape [C, 1, 1]
        if norm.affine:
            _assign(norm.gamma, sd, "weight", official_shape=(*norm.gamma.shape, 1, 1))
            _assign(norm.beta, sd, "bias", official_shape=(*norm.beta.shape, 1, 1))
    elif isinstance(norm, LayerNorm):
        if norm.affine:
            _assign(norm.gamma, sd, "gamma")
            _assign(norm.beta, sd, "beta")
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
