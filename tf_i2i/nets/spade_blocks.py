"""SPADE residual block (Park et al., CVPR 2019, Sec. 3 and Fig. 10 of the appendix)."""

from __future__ import annotations

import keras

from tf_i2i.layers import ConvBlock, LeakyReLU
from tf_i2i.layers.spade import SPADE


@keras.saving.register_keras_serializable(package="tf_i2i")
class SPADEResnetBlock(keras.layers.Layer):
    """call([x, segmap]) -> shortcut(x) + conv_1(lrelu(SPADE_1(conv_0(lrelu(SPADE_0(x)))))).

    Normalisation comes before each 3x3 conv (pre-activation), the convs keep their bias, and the
    middle width is min(in_filters, filters). When in_filters != filters the shortcut is learned:
    SPADE then a 1x1 conv without bias. `spectral_norm` wraps every conv ('spectral' in norm_G).
    """

    def __init__(self, in_filters: int, filters: int, norm: str = "sync_batch", kernel_size: int = 3,
                 spectral_norm: bool = True, hidden: int = 128, **kwargs):
        super().__init__(**kwargs)
        self.in_filters, self.filters, self.norm_kind = in_filters, filters, norm
        self.kernel_size, self.spectral_norm, self.hidden = kernel_size, spectral_norm, hidden
        self.learned_shortcut = in_filters != filters
        middle = min(in_filters, filters)
        dtype = self.dtype_policy
        spade = dict(norm=norm, kernel_size=kernel_size, hidden=hidden, dtype=dtype)
        conv = dict(kernel_size=3, padding=1, spectral_norm=spectral_norm, dtype=dtype)
        self.norm_0 = SPADE(name="norm_0", **spade)
        self.conv_0 = ConvBlock(middle, name="conv_0", **conv)
        self.norm_1 = SPADE(name="norm_1", **spade)
        self.conv_1 = ConvBlock(filters, name="conv_1", **conv)
        self.act = LeakyReLU(0.2, name="act", dtype=dtype)
        self.norm_s = SPADE(name="norm_s", **spade) if self.learned_shortcut else None
        self.conv_s = (ConvBlock(filters, 1, use_bias=False, spectral_norm=spectral_norm, name="conv_s",
                                 dtype=dtype) if self.learned_shortcut else None)

    def build(self, input_shape):
        x_shape, seg_shape = (tuple(s) for s in input_shape)
        middle_shape = x_shape[:3] + (min(self.in_filters, self.filters),)
        self.norm_0.build([x_shape, seg_shape])
        self.conv_0.build(x_shape)
        self.norm_1.build([middle_shape, seg_shape])
        self.conv_1.build(middle_shape)
        if self.learned_shortcut:
            self.norm_s.build([x_shape, seg_shape])
            self.conv_s.build(x_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])[:3] + (self.filters,)

    def call(self, inputs, training=None):
        x, seg = inputs
        shortcut = x
        if self.learned_shortcut:
            shortcut = self.conv_s(self.norm_s([x, seg], training=training), training=training)
        dx = self.conv_0(self.act(self.norm_0([x, seg], training=training)), training=training)
        dx = self.conv_1(self.act(self.norm_1([dx, seg], training=training)), training=training)
        return shortcut + dx

    def get_config(self):
        return {**super().get_config(), "in_filters": self.in_filters, "filters": self.filters,
                "norm": self.norm_kind, "kernel_size": self.kernel_size,
                "spectral_norm": self.spectral_norm, "hidden": self.hidden}
