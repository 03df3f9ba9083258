"""MUNIT's decoder (residual blocks with AdaIN from the style code, then upsampling) and the MLP that
turns a style code into AdaIN parameters; with instance-norm residual blocks it is UNIT's decoder."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import AdaIN, ConvBlock, Resize, make_activation
from tf_i2i.nets.munit_options import conv_block_options
from tf_i2i.nets.resnet_block import ResnetBlock


@keras.saving.register_keras_serializable(package="tf_i2i")
class AdaINResnetBlock(keras.layers.Layer):
    """x + [conv3, AdaIN, act, conv3, AdaIN](x); call(x, params) with params [B, 4C] (or per pixel
    [B, H, W, 4C], then optionally `regions` [B, H, W, R] for AdaIN's per-region statistics): the first
    AdaIN's 2C values (shift, then scale), then the second's, as MUNIT's MLP output is laid out."""

    def __init__(self, filters: int, activ: str = "relu", pad_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.filters, self.activ, self.pad_type = filters, activ, pad_type
        opts = conv_block_options("none", "none", pad_type)
        sub = {"dtype": self.dtype_policy}
        self.conv1 = ConvBlock(filters, 3, padding=1, name="conv1", **opts, **sub)
        self.adain1 = AdaIN(name="adain1", **sub)
        self.act = make_activation(activ, name="act", **sub)
        self.conv2 = ConvBlock(filters, 3, padding=1, name="conv2", **opts, **sub)
        self.adain2 = AdaIN(name="adain2", **sub)

    def num_adain_params(self) -> int:
        return 2 * AdaIN.num_params(self.filters)

    def build(self, x_shape, params_shape=None, regions_shape=None):
        self.conv1.build(x_shape)
        self.conv2.build(x_shape)

    def compute_output_shape(self, x_shape, params_shape=None, regions_shape=None):
        return x_shape

    def call(self, x, params, regions=None, training=None):
        half = AdaIN.num_params(self.filters)
        y = self.adain1(self.conv1(x, training=training), params[..., :half], regions, training=training)
        if self.act is not None:
            y = self.act(y)
        y = self.adain2(self.conv2(y, training=training), params[..., half:2 * half], regions, training=training)
        return x + y

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "activ": self.activ, "pad_type": self.pad_type}


@keras.saving.register_keras_serializable(package="tf_i2i")
class Decoder(keras.Model):
    """n_res residual blocks at `dim` channels, n_upsample x [nearest 2x, c5s1 halving the width,
    LayerNorm, act], c7s1-output_dim + tanh (in float32).

    res_norm 'adain' (MUNIT): call(content, adain_params) with adain_params [B, num_adain_params],
    the blocks' slices in order; or per pixel [B, H, W, num_adain_params] at the content's resolution
    (all AdaIN blocks run before upsampling), with `regions` [B, H, W, R] one-hot for per-region
    statistics in the AdaINs and the upsampling LayerNorms (regions upsampled with the maps), which is
    how INIT renders region-wise styles with the same weights (layers/region_adain.py). res_norm 'in'
    (UNIT) or another official norm: call(content).
    """

    def __init__(self, n_upsample: int = 2, n_res: int = 4, dim: int = 256, output_dim: int = 3,
                 res_norm: str = "adain", activ: str = "relu", pad_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.n_upsample, self.n_res, self.dim, self.output_dim = n_upsample, n_res, dim, output_dim
        self.res_norm, self.activ, self.pad_type = res_norm, activ, pad_type
        sub = {"dtype": self.dtype_policy}
        if res_norm == "adain":
            self.blocks = [AdaINResnetBlock(dim, activ, pad_type, name=f"res{i}", **sub) for i in range(n_res)]
        else:
            norm = conv_block_options(res_norm, activ, pad_type)["norm"]
            self.blocks = [ResnetBlock(dim, pad_mode=pad_type, norm=norm, activation=activ, name=f"res{i}", **sub)
                           for i in range(n_res)]
        self.upsample = Resize(2.0, "nearest", name="upsample", **sub)
        up_opts = conv_block_options("ln", activ, pad_type)
        self.up = [ConvBlock(dim // 2 ** (i + 1), 5, padding=2, name=f"up{i}", **up_opts, **sub)
                   for i in range(n_upsample)]
        self.head = ConvBlock(output_dim, 7, padding=3, name="head", dtype="float32",
                              **conv_block_options("none", "tanh", pad_type))

    @property
    def uses_adain(self) -> bool:
        return self.res_norm == "adain"

    @property
    def _default_save_signature(self):
        """No Keras default SavedModel signature for an AdaIN decoder: Keras traces one for every
        nested Model as self(first input) when a SavedModel is written, which an AdaIN decoder
        cannot run (it needs adain_params too), so exporting MUNIT's generators failed."""
        return None if self.uses_adain else super()._default_save_signature

    @property
    def num_adain_params(self) -> int:
        """Length of the AdaIN parameter vector a style MLP must produce (0 without AdaIN)."""
        return sum(block.num_adain_params() for block in self.blocks) if self.uses_adain else 0

    def call(self, content, adain_params=None, regions=None, training=None):
        if self.uses_adain != (adain_params is not None):
            raise ValueError("an AdaIN decoder needs adain_params" if self.uses_adain
                             else f"a decoder with res_norm={self.res_norm!r} takes no adain_params")
        x, offset = content, 0
        for block in self.blocks:
            if self.uses_adain:
                n = block.num_adain_params()
                x = block(x, adain_params[..., offset:offset + n], regions, training=training)
                offset += n
            else:
                x = block(x, training=training)
        for conv in self.up:
            x = self.upsample(x)
            if regions is not None:
                regions = self.upsample(regions)
            x = conv(x, training=training, regions=regions)
        return self.head(x, training=training)

    def get_config(self):
        return {"n_upsample": self.n_upsample, "n_res": self.n_res, "dim": self.dim, "output_dim": self.output_dim,
                "res_norm": self.res_norm, "activ": self.activ, "pad_type": self.pad_type, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class StyleMLP(keras.Model):
    """Style code [B, style_dim] -> AdaIN parameters [B, output_dim]: n_blk dense layers, `activ` after
    all but the last (MUNIT hard-codes n_blk 3 and no norm)."""

    def __init__(self, output_dim: int, dim: int = 256, n_blk: int = 3, activ: str = "relu", **kwargs):
        super().__init__(**kwargs)
        if n_blk < 2:
            raise ConfigError(f"the style MLP needs n_blk >= 2, got {n_blk}")
        self.output_dim, self.dim, self.n_blk, self.activ = output_dim, dim, n_blk, activ
        conv_block_options("none", activ, "zero")  # validates activ
        sub = {"dtype": self.dtype_policy}
        self.dense = [keras.layers.Dense(dim, name=f"fc{i}", **sub) for i in range(n_blk - 1)]
        self.dense.append(keras.layers.Dense(output_dim, name=f"fc{n_blk - 1}", dtype="float32"))
        self.acts = [make_activation(activ, name=f"act{i}", **sub) for i in range(n_blk - 1)]

    def call(self, style, training=None):
        x = tf.reshape(style, [tf.shape(style)[0], -1])
        for i, dense in enumerate(self.dense):
            x = dense(x)
            if i < len(self.acts) and self.acts[i] is not None:
                x = self.acts[i](x)
        return x

    def get_config(self):
        return {"output_dim": self.output_dim, "dim": self.dim, "n_blk": self.n_blk, "activ": self.activ,
                "name": self.name}
