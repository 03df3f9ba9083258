"""MUNIT's content and style encoders (Huang et al. 2018, Fig. 3); UNIT's encoder is the content one."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import ConvBlock
from tf_i2i.nets.munit_options import conv_block_options
from tf_i2i.nets.resnet_block import ResnetBlock


@keras.saving.register_keras_serializable(package="tf_i2i")
class ContentEncoder(keras.Model):
    """c7s1-dim, n_downsample k4s2 convs doubling the width, n_res residual blocks: the content code
    [B, H/2**n, W/2**n, dim*2**n]. Every conv has a bias; `norm` is an official string ('in')."""

    def __init__(self, n_downsample: int = 2, n_res: int = 4, dim: int = 64, norm: str = "in",
                 activ: str = "relu", pad_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.n_downsample, self.n_res, self.dim = n_downsample, n_res, dim
        self.norm_kind, self.activ, self.pad_type = norm, activ, pad_type
        opts = conv_block_options(norm, activ, pad_type)
        if opts["spectral_norm"]:
            raise ConfigError("a content encoder's residual blocks have no spectral-norm option; use in/bn/ln/none")
        sub = {"dtype": self.dtype_policy}
        self.convs = [ConvBlock(dim, 7, padding=3, name="conv0", **opts, **sub)]
        self.convs += [ConvBlock(dim * 2 ** (i + 1), 4, strides=2, padding=1, name=f"down{i}", **opts, **sub)
                       for i in range(n_downsample)]
        self.blocks = [ResnetBlock(self.output_dim, pad_mode=pad_type, norm=opts["norm"], activation=activ,
                                   name=f"res{i}", **sub) for i in range(n_res)]

    @property
    def output_dim(self) -> int:
        return self.dim * 2 ** self.n_downsample

    @property
    def size_multiple(self) -> int:
        return 2 ** self.n_downsample

    def call(self, x, training=None):
        for layer in self.convs + self.blocks:
            x = layer(x, training=training)
        return x

    def get_config(self):
        return {"n_downsample": self.n_downsample, "n_res": self.n_res, "dim": self.dim, "norm": self.norm_kind,
                "activ": self.activ, "pad_type": self.pad_type, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class StyleEncoder(keras.Model):
    """c7s1-dim, two k4s2 convs doubling the width, (n_downsample - 2) k4s2 convs keeping it, global
    average pooling, a 1x1 conv to style_dim: the style code [B, style_dim] (official [B, style_dim, 1, 1]).

    MUNIT's generator passes n_downsample=4 and norm='none' whatever its own options say.
    """

    def __init__(self, n_downsample: int = 4, dim: int = 64, style_dim: int = 8, norm: str = "none",
                 activ: str = "relu", pad_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        if n_downsample < 2:
            raise ConfigError(f"a style encoder downsamples at least twice, got n_downsample={n_downsample}")
        self.n_downsample, self.dim, self.style_dim = n_downsample, dim, style_dim
        self.norm_kind, self.activ, self.pad_type = norm, activ, pad_type
        opts = conv_block_options(norm, activ, pad_type)
        sub = {"dtype": self.dtype_policy}
        widths = [dim * 2, dim * 4] + [dim * 4] * (n_downsample - 2)
        self.convs = [ConvBlock(dim, 7, padding=3, name="conv0", **opts, **sub)]
        self.convs += [ConvBlock(w, 4, strides=2, padding=1, name=f"down{i}", **opts, **sub)
                       for i, w in enumerate(widths)]
        self.head = ConvBlock(style_dim, 1, name="head", dtype="float32")

    def call(self, x, training=None):
        for layer in self.convs:
            x = layer(x, training=training)
        pooled = tf.reduce_mean(tf.cast(x, tf.float32), axis=[1, 2], keepdims=True)
        return tf.reshape(self.head(pooled, training=training), [-1, self.style_dim])

    def get_config(self):
        return {"n_downsample": self.n_downsample, "dim": self.dim, "style_dim": self.style_dim,
                "norm": self.norm_kind, "activ": self.activ, "pad_type": self.pad_type, "name": self.name}
