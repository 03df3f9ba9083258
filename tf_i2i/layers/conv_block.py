"""The one configurable conv block every network is built from: pad -> conv -> norm -> activation."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers.activations import make_activation
from tf_i2i.layers.conv2d import Conv2D
from tf_i2i.layers.normalization import make_norm
from tf_i2i.layers.padding import Pad2D
from tf_i2i.layers.spectral_norm import SpectralNorm


@keras.saving.register_keras_serializable(package="tf_i2i")
class ConvBlock(keras.layers.Layer):
    """Conv2D (or transposed conv) with torch padding semantics, optional norm, activation, spectral norm.

    `padding` is torch's integer padding. For a plain conv it is applied explicitly with
    `pad_mode` before a 'valid' conv, so stride-2 convs pad symmetrically like torch. For a
    transposed conv (`transpose=True`) the full 'valid' output is cropped by `padding` on both
    sides and grown back by `output_padding` at the end, exactly as torch.nn.ConvTranspose2d.
    `spectral_norm_variant` is SpectralNorm's `variant` ('torch', or MUNIT's 'munit').
    """

    def __init__(self, filters: int, kernel_size: int, strides: int = 1, padding: int = 0,
                 pad_mode: str = "zero", norm: str = "none", activation: str = "none",
                 use_bias: bool = True, spectral_norm: bool = False, transpose: bool = False,
                 output_padding: int = 0, spectral_norm_variant: str = "torch", **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.pad_mode = pad_mode
        self.norm_kind = norm
        self.activation_kind = activation
        self.use_bias = use_bias
        self.spectral_norm = spectral_norm
        self.spectral_norm_variant = spectral_norm_variant
        self.transpose = transpose
        self.output_padding = output_padding
        if transpose and pad_mode != "zero":
            raise ConfigError("a transposed conv only supports pad_mode='zero' (torch has no other)")
        if transpose and not 0 <= output_padding <= padding:
            raise ConfigError(f"output_padding {output_padding} must be in [0, padding={padding}]")
        sub = {"dtype": self.dtype_policy}
        self.pad = None if transpose or padding == 0 else Pad2D(padding, pad_mode, name="pad", **sub)
        conv_cls = keras.layers.Conv2DTranspose if transpose else Conv2D
        conv = conv_cls(filters, kernel_size, strides=strides, padding="valid", use_bias=use_bias,
                        name="conv", **sub)
        self.conv = SpectralNorm(conv, variant=spectral_norm_variant, name="sn", **sub) if spectral_norm else conv
        self.norm = make_norm(norm, name="norm", **sub)
        self.act = make_activation(activation, name="act", **sub)

    def build(self, input_shape):
        shape = tuple(input_shape)
        if self.pad is not None:
            shape = self.pad.compute_output_shape(shape)
        self.conv.build(shape)
        shape = self.conv.compute_output_shape(shape)
        if self.norm is not None:
            self.norm.build(shape)
        if self.act is not None:
            self.act.build(shape)

    @property
    def conv_layer(self) -> keras.layers.Layer:
        """The underlying Conv2D/Conv2DTranspose (inside the spectral-norm wrapper if any)."""
        return self.conv.layer if self.spectral_norm else self.conv

    def _crop_transposed(self, y):
        start = self.padding
        stop = self.padding - self.output_padding
        if start == 0 and stop == 0:
            return y
        h, w = tf.shape(y)[1], tf.shape(y)[2]
        # tf.slice, not y[a:b]: its gradient is a Pad, ~5x faster on CPU than StridedSliceGrad.
        out = tf.slice(y, [0, start, start, 0], [-1, h - start - stop, w - start - stop, -1])
        crop = lambda n: None if n is None else n - start - stop  # noqa: E731
        out.set_shape([y.shape[0], crop(y.shape[1]), crop(y.shape[2]), y.shape[3]])  # tf.slice drops it
        return out

    def stages(self, x, training=None, regions=None) -> list[tuple[str, tf.Tensor]]:
        """Outputs after conv, norm and activation (only the parts present), for feature matching/tests.
        `regions` (one-hot [B, H, W, R] at the output's resolution) go to a norm that takes them (MUNIT's
        LayerNorm: INIT's region-wise rendering)."""
        if self.pad is not None:
            x = self.pad(x)
        x = self.conv(x, training=training) if self.spectral_norm else self.conv(x)
        if self.transpose:
            x = self._crop_transposed(x)
        out = [("conv", x)]
        if self.norm is not None:
            x = self.norm(x, training=training) if regions is None else self.norm(x, training=training,
                                                                                  regions=regions)
            out.append(("norm", x))
        if self.act is not None:
            x = self.act(x)
            out.append(("act", x))
        return out

    def call(self, x, training=None, regions=None):
        return self.stages(x, training=training, regions=regions)[-1][1]

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "pad_mode": self.pad_mode, "norm": self.norm_kind,
            "activation": self.activation_kind, "use_bias": self.use_bias,
            "spectral_norm": self.spectral_norm, "transpose": self.transpose,
            "output_padding": self.output_padding, "spectral_norm_variant": self.spectral_norm_variant,
        }
