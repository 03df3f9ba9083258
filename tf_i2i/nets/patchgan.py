"""PatchGAN discriminators (Isola et al. 2017): N-layer (70x70 for n_layers=3) and 1x1 PixelGAN."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers import ConvBlock
from tf_i2i.nets.munit_options import conv_block_options


class BlockStackDiscriminator(keras.Model):
    """A discriminator that is a plain stack of `self.blocks`; exposes every block's output."""

    blocks: list[keras.layers.Layer]

    def build(self, input_shape):
        """Builds the blocks in order, so a caller that only uses `features` (e.g. a multi-scale
        discriminator) gets a built network."""
        x = keras.KerasTensor(tuple(input_shape))
        for block in self.blocks:
            x = block(x)  # a symbolic call builds the block and gives the next input shape

    def features(self, x, training=None) -> list[tf.Tensor]:
        """Output of each block; the last one is the logits."""
        out = []
        for block in self.blocks:
            x = block(x, training=training)
            out.append(x)
        return out

    def call(self, x, training=None):
        return self.features(x, training=training)[-1]

    def input_side_range(self, max_output: int | None = None) -> tuple[int, int | None]:
        """(smallest, largest) input side giving logits at least 1 (and at most `max_output`) px
        wide, from the blocks' kernels, strides and paddings (torch's floor((n + 2p - k) / s) + 1;
        a reflection pad also needs n > p). Largest is None without `max_output`."""
        smallest, largest = 1, max_output
        for block in reversed(self.blocks):
            k, s, p = block.kernel_size, block.strides, block.padding
            smallest = max((smallest - 1) * s + k - 2 * p, p + 1)
            if largest is not None:
                largest = largest * s + k - 2 * p - 1
        return smallest, largest


@keras.saving.register_keras_serializable(package="tf_i2i")
class NLayerDiscriminator(BlockStackDiscriminator):
    """k4s2 conv + LReLU, (n_layers-1) x [k4s2 conv, norm, LReLU], k4s1 conv/norm/LReLU, k4s1 conv -> 1.

    Defaults are CycleGAN/pix2pix's: widths ndf*min(2**n, 8), zero padding 1, conv bias only with
    instance norm, raw logits. pix2pixHD's variant is padding=2, use_bias=True, max_filters=512
    (widths min(ndf*2**n, 512)). `features(x)` returns the output of every block, for
    feature-matching losses (pix2pixHD) and per-layer checks. `use_bias` applies to the normed
    middle blocks; the first and the logits conv always have a bias. spectral_norm_ends=False keeps
    spectral norm off those two convs (SPADE's norm_D, spectral included, wraps the middle ones only).
    """

    def __init__(self, ndf: int = 64, n_layers: int = 3, norm: str = "batch",
                 spectral_norm: bool = False, padding: int = 1, use_bias: bool | None = None,
                 max_filters: int | None = None, use_sigmoid: bool = False, spectral_norm_ends: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        self.ndf, self.n_layers, self.norm_kind, self.spectral_norm = ndf, n_layers, norm, spectral_norm
        self.padding, self.use_bias, self.max_filters, self.use_sigmoid = padding, use_bias, max_filters, use_sigmoid
        self.spectral_norm_ends = spectral_norm_ends
        bias = norm.startswith("instance") if use_bias is None else use_bias
        cap = ndf * 8 if max_filters is None else max_filters
        common = dict(kernel_size=4, padding=padding, spectral_norm=spectral_norm, dtype=self.dtype_policy)
        ends = {**common, "spectral_norm": spectral_norm and spectral_norm_ends}
        self.blocks = [ConvBlock(ndf, strides=2, activation="lrelu", name="block0", **ends)]
        for n in range(1, n_layers + 1):
            self.blocks.append(ConvBlock(
                min(ndf * 2 ** n, cap), strides=2 if n < n_layers else 1, norm=norm,
                activation="lrelu", use_bias=bias, name=f"block{n}", **common))
        self.blocks.append(ConvBlock(1, strides=1, activation="sigmoid" if use_sigmoid else "none",
                                     name="logits", **{**ends, "dtype": "float32"}))

    def get_config(self):
        return {"ndf": self.ndf, "n_layers": self.n_layers, "norm": self.norm_kind,
                "spectral_norm": self.spectral_norm, "padding": self.padding, "use_bias": self.use_bias,
                "max_filters": self.max_filters, "use_sigmoid": self.use_sigmoid,
                "spectral_norm_ends": self.spectral_norm_ends, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class PixelDiscriminator(BlockStackDiscriminator):
    """1x1 PatchGAN ('pixel'): judges each pixel's colour statistics, no spatial context."""

    def __init__(self, ndf: int = 64, norm: str = "batch", **kwargs):
        super().__init__(**kwargs)
        self.ndf, self.norm_kind = ndf, norm
        bias = norm.startswith("instance")
        sub = {"dtype": self.dtype_policy}
        self.blocks = [
            ConvBlock(ndf, 1, activation="lrelu", name="block0", **sub),
            ConvBlock(ndf * 2, 1, norm=norm, activation="lrelu", use_bias=bias, name="block1", **sub),
            ConvBlock(1, 1, use_bias=bias, name="logits", dtype="float32"),
        ]

    def get_config(self):
        return {"ndf": self.ndf, "norm": self.norm_kind, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class StridedPatchDiscriminator(BlockStackDiscriminator):
    """MUNIT/UNIT's one-scale discriminator: k4s2 conv + act (no norm), (n_layers - 1) x [k4s2 conv
    doubling the width, norm, act], a 1x1 conv to raw logits. Every conv has a bias and pads by 1 with
    `pad_type`; norm/activ/pad_type are the official strings ('none'/'bn'/'in'/'ln'/'sn', ...)."""

    def __init__(self, dim: int = 64, n_layers: int = 4, norm: str = "none", activ: str = "lrelu",
                 pad_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.dim, self.n_layers, self.norm_kind, self.activ, self.pad_type = dim, n_layers, norm, activ, pad_type
        sub = {"dtype": self.dtype_policy}
        self.blocks = [ConvBlock(dim, 4, strides=2, padding=1, name="block0",
                                 **conv_block_options("none", activ, pad_type), **sub)]
        self.blocks += [ConvBlock(dim * 2 ** n, 4, strides=2, padding=1, name=f"block{n}",
                                  **conv_block_options(norm, activ, pad_type), **sub) for n in range(1, n_layers)]
        self.blocks.append(ConvBlock(1, 1, name="logits", dtype="float32"))

    def get_config(self):
        return {"dim": self.dim, "n_layers": self.n_layers, "norm": self.norm_kind, "activ": self.activ,
                "pad_type": self.pad_type, "name": self.name}
