"""ResNet encoder/decoder generator (Johnson et al. 2016) as CycleGAN uses it (6 or 9 blocks)."""

from __future__ import annotations

import keras

from tf_i2i.layers import ConvBlock
from tf_i2i.nets.resnet_block import ResnetBlock


@keras.saving.register_keras_serializable(package="tf_i2i")
class ResnetGenerator(keras.Model):
    """c7s1-ngf, n_down stride-2 convs, n_blocks residual blocks, n_down transposed convs, c7s1-out + tanh.

    Convs carry a bias only with instance norm (batch norm has its own shift), as the official code.
    Any H/W divisible by 2**n_downsampling works; the output layer runs in float32.
    """

    def __init__(self, output_nc: int = 3, ngf: int = 64, n_blocks: int = 9, norm: str = "instance",
                 use_dropout: bool = False, pad_mode: str = "reflect", n_downsampling: int = 2,
                 **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.n_blocks, self.norm_kind = output_nc, ngf, n_blocks, norm
        self.use_dropout, self.pad_mode, self.n_downsampling = use_dropout, pad_mode, n_downsampling
        bias = norm.startswith("instance")
        sub = {"dtype": self.dtype_policy}
        self.stem = ConvBlock(ngf, 7, padding=3, pad_mode="reflect", norm=norm, activation="relu",
                              use_bias=bias, name="stem", **sub)
        self.down = [ConvBlock(ngf * 2 ** (i + 1), 3, strides=2, padding=1, norm=norm,
                               activation="relu", use_bias=bias, name=f"down{i}", **sub)
                     for i in range(n_downsampling)]
        width = ngf * 2 ** n_downsampling
        self.blocks = [ResnetBlock(width, pad_mode=pad_mode, norm=norm, use_bias=bias,
                                   dropout=0.5 if use_dropout else 0.0, name=f"block{i}", **sub)
                       for i in range(n_blocks)]
        self.up = [ConvBlock(ngf * 2 ** (n_downsampling - i - 1), 3, strides=2, padding=1,
                             output_padding=1, transpose=True, norm=norm, activation="relu",
                             use_bias=bias, name=f"up{i}", **sub)
                   for i in range(n_downsampling)]
        self.head = ConvBlock(output_nc, 7, padding=3, pad_mode="reflect", activation="tanh",
                              name="head", dtype="float32")

    @property
    def size_multiple(self) -> int:
        """Input H and W must be multiples of this for the output to match the input size."""
        return 2 ** self.n_downsampling

    def call(self, x, training=None):
        x = self.stem(x, training=training)
        for layer in self.down + self.blocks + self.up:
            x = layer(x, training=training)
        return self.head(x, training=training)

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_blocks": self.n_blocks,
                "norm": self.norm_kind, "use_dropout": self.use_dropout, "pad_mode": self.pad_mode,
                "n_downsampling": self.n_downsampling, "name": self.name}
