"""U-Net generator with skip connections (Ronneberger et al. 2015) as pix2pix uses it."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import ConvBlock, make_norm


@keras.saving.register_keras_serializable(package="tf_i2i")
class UnetGenerator(keras.Model):
    """num_downs stride-2 4x4 convs down to 1x1 (for 2**num_downs px inputs) and back up, with skips.

    Level l (0 = outermost) halves the resolution with width ngf*min(2**l, 8). On the way up each
    level concatenates its input with the upsampled result. As in the official code, the
    LeakyReLU applied before a level's down conv acts in place, so the skip carries LReLU(input):
    we reproduce that. Dropout(0.5) sits in the ngf*8 levels between level 4 and the innermost.
    """

    def __init__(self, output_nc: int = 3, num_downs: int = 8, ngf: int = 64, norm: str = "batch",
                 use_dropout: bool = True, **kwargs):
        super().__init__(**kwargs)
        if num_downs < 5:
            raise ConfigError(f"UnetGenerator needs num_downs >= 5 (the official structure), got {num_downs}")
        self.output_nc, self.num_downs, self.ngf = output_nc, num_downs, ngf
        self.norm_kind, self.use_dropout = norm, use_dropout
        bias = norm.startswith("instance")
        sub = {"dtype": self.dtype_policy}
        inner = [ngf * min(2 ** level, 8) for level in range(num_downs)]
        outer = [output_nc] + inner[:-1]
        last = num_downs - 1
        self.down_convs, self.down_norms, self.up_convs, self.up_norms, self.dropouts = [], [], [], [], []
        for level in range(num_downs):
            self.down_convs.append(ConvBlock(inner[level], 4, strides=2, padding=1, use_bias=bias,
                                             name=f"down{level}", **sub))
            has_norm = 0 < level < last
            self.down_norms.append(make_norm(norm, name=f"down_norm{level}", **sub) if has_norm else None)
            outermost = level == 0
            self.up_convs.append(ConvBlock(
                outer[level], 4, strides=2, padding=1, transpose=True, use_bias=bias or outermost,
                activation="tanh" if outermost else "none", name=f"up{level}",
                dtype="float32" if outermost else self.dtype_policy))
            self.up_norms.append(None if outermost else make_norm(norm, name=f"up_norm{level}", **sub))
            drop = use_dropout and 4 <= level < last
            self.dropouts.append(keras.layers.Dropout(0.5, name=f"dropout{level}") if drop else None)

    @property
    def size_multiple(self) -> int:
        """Input H and W must be multiples of 2**num_downs (the innermost level is 1x1 at that size)."""
        return 2 ** self.num_downs

    def call(self, x, training=None):
        skips = []
        for level in range(self.num_downs):
            if level > 0:
                x = tf.nn.leaky_relu(x, 0.2)
                skips.append(x)
            x = self.down_convs[level](x, training=training)
            if self.down_norms[level] is not None:
                x = self.down_norms[level](x, training=training)
        for level in reversed(range(self.num_downs)):
            x = self.up_convs[level](tf.nn.relu(x), training=training)
            if self.up_norms[level] is not None:
                x = self.up_norms[level](x, training=training)
            if self.dropouts[level] is not None:
                x = self.dropouts[level](x, training=training)
            if level > 0:
                x = tf.concat([skips[level - 1], x], axis=-1)
        return x

    def get_config(self):
        return {"output_nc": self.output_nc, "num_downs": self.num_downs, "ngf": self.ngf,
                "norm": self.norm_kind, "use_dropout": self.use_dropout, "name": self.name}
