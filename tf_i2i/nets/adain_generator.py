"""MUNIT's generator (Huang et al., ECCV 2018, Fig. 3), also INIT's: a content encoder, a style encoder,
and a decoder whose residual blocks take AdaIN parameters from an MLP of the style code."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.nets import ContentEncoder, Decoder, StyleEncoder, StyleMLP

STYLE_ENCODER_DOWNSAMPLES = 4  # the official AdaINGen passes 4, whatever gen.n_downsample is


@keras.saving.register_keras_serializable(package="tf_i2i")
class AdaINGenerator(keras.Model):
    """One domain's auto-encoder: encode(x) -> (content [B,h,w,C], style [B, style_dim]),
    decode(content, style) -> image in [-1, 1]; call(x) reconstructs x from its own codes.

    Arguments are the official `gen` options; `input_dim` is the domain's channel count (the
    decoder outputs as many). Sub-networks keep the official roles: enc_content, enc_style, dec, mlp.
    """

    def __init__(self, input_dim: int = 3, dim: int = 64, style_dim: int = 8, n_downsample: int = 2,
                 n_res: int = 4, activ: str = "relu", pad_type: str = "reflect", mlp_dim: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.dim, self.style_dim, self.n_downsample = input_dim, dim, style_dim, n_downsample
        self.n_res, self.activ, self.pad_type, self.mlp_dim = n_res, activ, pad_type, mlp_dim
        sub = {"dtype": self.dtype_policy}
        self.enc_style = StyleEncoder(STYLE_ENCODER_DOWNSAMPLES, dim, style_dim, "none", activ, pad_type,
                                      name="enc_style", **sub)
        self.enc_content = ContentEncoder(n_downsample, n_res, dim, "in", activ, pad_type, name="enc_content", **sub)
        self.dec = Decoder(n_downsample, n_res, self.enc_content.output_dim, input_dim, "adain", activ, pad_type,
                           name="dec", **sub)
        self.mlp = StyleMLP(self.dec.num_adain_params, mlp_dim, 3, activ, name="mlp", **sub)

    @property
    def size_multiple(self) -> int:
        return self.enc_content.size_multiple

    def encode(self, x, training=None) -> tuple[tf.Tensor, tf.Tensor]:
        return self.enc_content(x, training=training), self.enc_style(x, training=training)

    def decode(self, content, style, training=None) -> tf.Tensor:
        return self.dec(content, self.mlp(style, training=training), training=training)

    def call(self, x, training=None):
        content, style = self.encode(x, training=training)
        return self.decode(content, style, training=training)

    def get_config(self):
        return {"input_dim": self.input_dim, "dim": self.dim, "style_dim": self.style_dim,
                "n_downsample": self.n_downsample, "n_res": self.n_res, "activ": self.activ,
                "pad_type": self.pad_type, "mlp_dim": self.mlp_dim, "name": self.name}
