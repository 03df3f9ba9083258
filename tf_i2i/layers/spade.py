"""Spatially-adaptive denormalisation (SPADE; Park et al., CVPR 2019, Sec. 3, Eq. 1)."""

from __future__ import annotations

import re

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers.conv_block import ConvBlock
from tf_i2i.layers.normalization import InstanceNorm, batch_norm
from tf_i2i.layers.resize import resize_images

# The official config text's parameter-free norm names -> ours.
PARAM_FREE_NORMS = {"instance": "instance", "batch": "batch", "syncbatch": "sync_batch"}


def parse_spade_norm(norm_G: str) -> dict:
    """Official norm_G ('spectralspadesyncbatch3x3', 'spadeinstance5x5', ...) -> our SPADE block
    options: spectral_norm (on the block's convs), norm (parameter-free) and kernel_size."""
    match = re.fullmatch(r"(spectral)?spade(\D+)(\d)x\d", norm_G)
    if match is None or match.group(2) not in PARAM_FREE_NORMS:
        raise ConfigError(f"unknown SPADE norm {norm_G!r}; expected [spectral]spade<norm><k>x<k> with <norm> "
                         f"one of {sorted(PARAM_FREE_NORMS)}")
    return {"spectral_norm": bool(match.group(1)), "norm": PARAM_FREE_NORMS[match.group(2)],
            "kernel_size": int(match.group(3))}


@keras.saving.register_keras_serializable(package="tf_i2i")
class SPADE(keras.layers.Layer):
    """call([x, segmap]) -> norm(x) * (1 + gamma) + beta, gamma/beta predicted from the label map.

    `norm` is the parameter-free normalisation ('sync_batch', 'batch' or 'instance'). The segmap
    (float [B,h,w,label channels], any size) is resized to x's H/W by torch-exact nearest, then a
    shared k x k conv to `hidden` channels + ReLU and two k x k convs give gamma and beta.
    """

    def __init__(self, norm: str = "sync_batch", kernel_size: int = 3, hidden: int = 128, **kwargs):
        super().__init__(**kwargs)
        if norm not in PARAM_FREE_NORMS.values():
            raise ConfigError(f"unknown SPADE norm {norm!r}; expected one of {sorted(PARAM_FREE_NORMS.values())}")
        self.norm_kind, self.kernel_size, self.hidden = norm, kernel_size, hidden
        dtype = self.dtype_policy
        self.norm = (InstanceNorm(name="param_free_norm", dtype=dtype) if norm == "instance" else
                     batch_norm(norm == "sync_batch", name="param_free_norm", dtype=dtype, affine=False))
        self.shared = self._conv(hidden, "mlp_shared", activation="relu")

    def _conv(self, filters: int, name: str, activation: str = "none") -> ConvBlock:
        return ConvBlock(filters, self.kernel_size, padding=self.kernel_size // 2, activation=activation,
                         name=name, dtype=self.dtype_policy)

    def build(self, input_shape):
        """gamma/beta convs are made here: their width is x's channel count."""
        x_shape, seg_shape = (tuple(s) for s in input_shape)
        self.norm.build(x_shape)
        self.shared.build(x_shape[:3] + seg_shape[-1:])
        self.gamma = self._conv(x_shape[-1], "mlp_gamma")
        self.beta = self._conv(x_shape[-1], "mlp_beta")
        for conv in (self.gamma, self.beta):
            conv.build(x_shape[:3] + (self.hidden,))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def call(self, inputs, training=None):
        x, segmap = inputs
        normalized = self.norm(x, training=training)
        segmap = resize_images(tf.cast(segmap, self.compute_dtype), tf.shape(x)[1:3], "nearest")
        actv = self.shared(segmap)
        return normalized * (1 + self.gamma(actv)) + self.beta(actv)

    def get_config(self):
        return {**super().get_config(), "norm": self.norm_kind, "kernel_size": self.kernel_size,
                "hidden": self.hidden}
