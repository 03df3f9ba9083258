"""Residual block of two 3x3 conv blocks (He et al. 2016), as used by CycleGAN/pix2pixHD generators."""

from __future__ import annotations

import keras

from tf_i2i.layers import ConvBlock


@keras.saving.register_keras_serializable(package="tf_i2i")
class ResnetBlock(keras.layers.Layer):
    """x + [pad, conv3, norm, act, (dropout), pad, conv3, norm](x)."""

    def __init__(self, filters: int, pad_mode: str = "reflect", norm: str = "instance",
                 activation: str = "relu", use_bias: bool = True, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.pad_mode = pad_mode
        self.norm_kind = norm
        self.activation_kind = activation
        self.use_bias = use_bias
        self.dropout_rate = dropout
        common = dict(kernel_size=3, padding=1, pad_mode=pad_mode, norm=norm, use_bias=use_bias,
                      dtype=self.dtype_policy)
        self.conv1 = ConvBlock(filters, activation=activation, name="conv1", **common)
        self.dropout = keras.layers.Dropout(dropout, name="dropout") if dropout > 0 else None
        self.conv2 = ConvBlock(filters, activation="none", name="conv2", **common)

    def build(self, input_shape):
        self.conv1.build(input_shape)
        self.conv2.build(input_shape)  # 3x3 pad-1 convs keep the shape (the residual needs it)

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, x, training=None):
        y = self.conv1(x, training=training)
        if self.dropout is not None:
            y = self.dropout(y, training=training)
        return x + self.conv2(y, training=training)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "pad_mode": self.pad_mode,
                "norm": self.norm_kind, "activation": self.activation_kind,
                "use_bias": self.use_bias, "dropout": self.dropout_rate}
