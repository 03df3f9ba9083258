"""UNIT's generator (Liu et al., NeurIPS 2017) as the official code releases it: a VAE whose encoder
gives the latent mean (a content encoder) and whose decoder has instance-norm residual blocks; the
latent's variance is fixed to 1, so sampling adds unit Gaussian noise to the mean."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.nets import ContentEncoder, Decoder


@keras.saving.register_keras_serializable(package="tf_i2i")
class VAEGenerator(keras.Model):
    """encode(x) -> hiddens [B,h,w,C] (the latent mean), decode(h) -> image in [-1, 1]; call(x) is the
    noiseless reconstruction. Official roles: enc, dec. `input_dim` is the domain's channel count.

    `share_with` + `n_shared` are the paper's weight sharing (Sec. 2): this generator uses the other
    domain's last `n_shared` encoder and first `n_shared` decoder residual blocks (the same layer
    objects, so the same weights) instead of its own. The official 2018 code shares none (n_shared 0).
    """

    def __init__(self, input_dim: int = 3, dim: int = 64, n_downsample: int = 2, n_res: int = 4,
                 activ: str = "relu", pad_type: str = "reflect", share_with: VAEGenerator | None = None,
                 n_shared: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.dim, self.n_downsample, self.n_res = input_dim, dim, n_downsample, n_res
        self.activ, self.pad_type, self.n_shared = activ, pad_type, n_shared
        if not 0 <= n_shared <= n_res:
            raise ConfigError(f"n_shared={n_shared} must be in [0, n_res={n_res}]")
        sub = {"dtype": self.dtype_policy}
        self.enc = ContentEncoder(n_downsample, n_res, dim, "in", activ, pad_type, name="enc", **sub)
        self.dec = Decoder(n_downsample, n_res, self.enc.output_dim, input_dim, "in", activ, pad_type,
                           name="dec", **sub)
        if share_with is not None and n_shared:
            # in place on Keras's tracked lists: the borrowed layers become tracked and this
            # network's own (never used) blocks untracked, or they would linger as unbuilt sublayers
            for blocks, mine, theirs in ((self.enc.blocks, range(n_res - n_shared, n_res), share_with.enc.blocks),
                                         (self.dec.blocks, range(n_shared), share_with.dec.blocks)):
                for i in mine:
                    del blocks[i]
                    blocks.insert(i, theirs[i])

    @property
    def size_multiple(self) -> int:
        return self.enc.size_multiple

    def encode(self, x, training=None) -> tf.Tensor:
        return self.enc(x, training=training)

    def decode(self, hiddens, training=None) -> tf.Tensor:
        return self.dec(hiddens, training=training)

    def call(self, x, training=None):
        return self.decode(self.encode(x, training=training), training=training)

    def get_config(self):
        return {"input_dim": self.input_dim, "dim": self.dim, "n_downsample": self.n_downsample,
                "n_res": self.n_res, "activ": self.activ, "pad_type": self.pad_type, "name": self.name}
