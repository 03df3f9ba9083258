"""DRIT's two-domain networks (official src/networks.py): content encoders sharing their last block,
attribute encoders (VAE 'concat' variant and plain), generators (attribute concatenated to the
features, or fed to MisINSResBlocks through an MLP), content and domain discriminators.

Each two-domain network holds one sub-network per domain (`<role>_a`, `<role>_b`) plus what the
domains share (the very same layer objects, as the official modules share them). Widths are
arguments whose defaults are the official hard-coded 64 (`dim`) and 256 (`channels` = 4 * dim,
the content width; `mlp_dim`, the MLP width of the plain generator).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.nets.drit_blocks import (AttributeEncoder, AttributeEncoderVAE, ConcatDecoder, ContentDiscriminator,
                                     ContentEncoder, DomainDiscriminator, MisINSDecoder, ins_res_block, maps)

DOMAINS = ("a", "b")
CONTENT_ENCODER_RES = 3  # INSResBlocks per domain before the shared one


class _TwoDomain(keras.Model):
    """Picks a domain's sub-network by 'a' / 'b'."""

    role: str

    def domain_net(self, domain: str) -> keras.Model:
        if domain not in DOMAINS:
            raise ValueError(f"domain must be one of {DOMAINS}, got {domain!r}")
        return getattr(self, f"{self.role}_{domain}")


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritContentEncoder(_TwoDomain):
    """[E_content] per domain a ContentEncoder (3 INSResBlocks), then ONE shared INSResBlock and
    Gaussian noise (N(0, 1), training only): content codes [B, H/4, W/4, 4*dim] in a common space."""

    role = "enc"

    def __init__(self, dim: int = 64, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim
        sub = {"dtype": self.dtype_policy}
        self.enc_a = ContentEncoder(dim, CONTENT_ENCODER_RES, name="enc_a", **sub)
        self.enc_b = ContentEncoder(dim, CONTENT_ENCODER_RES, name="enc_b", **sub)
        self.share = ins_res_block(dim * 4, name="share", **sub)
        self.noise = keras.layers.GaussianNoise(1.0, name="noise", **sub)

    @property
    def output_dim(self) -> int:
        return self.dim * 4

    def build(self, x_a_shape, x_b_shape):
        # call()'s order: enc_a, the shared block, enc_b (the same initial values as a traced build)
        self.enc_a.build(x_a_shape)
        self.share.build(maps(self.output_dim))
        self.enc_b.build(x_b_shape)

    def encode(self, x, domain: str, training=None) -> tf.Tensor:
        """[forward_a / forward_b] one domain's content code."""
        y = self.share(self.domain_net(domain)(x, training=training), training=training)
        return self.noise(y, training=training)

    def call(self, x_a, x_b, training=None) -> tuple[tf.Tensor, tf.Tensor]:
        return self.encode(x_a, "a", training=training), self.encode(x_b, "b", training=training)

    def get_config(self):
        return {"dim": self.dim, "name": self.name}


class _TwoDomainAttributeEncoder(_TwoDomain):
    """One `net_cls(dim, nz)` per domain; call(x_a, x_b) -> (encode(x_a, 'a'), encode(x_b, 'b'))."""

    role = "enc"
    net_cls: type[keras.Model]

    def __init__(self, dim: int = 64, nz: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.nz = dim, nz
        self.enc_a = self.net_cls(dim, nz, name="enc_a", dtype=self.dtype_policy)
        self.enc_b = self.net_cls(dim, nz, name="enc_b", dtype=self.dtype_policy)

    def build(self, x_a_shape, x_b_shape):
        self.enc_a.build(x_a_shape)
        self.enc_b.build(x_b_shape)

    def encode(self, x, domain: str, training=None):
        return self.domain_net(domain)(x, training=training)

    def call(self, x_a, x_b, training=None):
        return self.encode(x_a, "a", training=training), self.encode(x_b, "b", training=training)

    def get_config(self):
        return {"dim": self.dim, "nz": self.nz, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritAttributeEncoderVAE(_TwoDomainAttributeEncoder):
    """[E_attr_concat] (concat=1) per-domain VAE attribute encoders: encode -> (mu, logvar), each
    [B, nz]; call -> (mu_a, logvar_a, mu_b, logvar_b) as the official forward."""

    net_cls = AttributeEncoderVAE

    def call(self, x_a, x_b, training=None):
        (mu_a, logvar_a), (mu_b, logvar_b) = super().call(x_a, x_b, training=training)
        return mu_a, logvar_a, mu_b, logvar_b


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritAttributeEncoder(_TwoDomainAttributeEncoder):
    """[E_attr] (concat=0) per-domain plain attribute encoders: encode -> z [B, nz]; call -> (z_a, z_b)."""

    net_cls = AttributeEncoder


class _TwoDomainGenerator(_TwoDomain):
    """decode(content, z, domain) -> image of that domain in [-1, 1];
    call(content_for_a, z_a, content_for_b, z_b) -> (image_a, image_b) (official forward_a, forward_b)."""

    role = "dec"

    def decode(self, content, z, domain: str, training=None) -> tf.Tensor:
        raise NotImplementedError

    def call(self, content_for_a, z_a, content_for_b, z_b, training=None):
        return (self.decode(content_for_a, z_a, "a", training=training),
                self.decode(content_for_b, z_b, "b", training=training))


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritGeneratorConcat(_TwoDomainGenerator):
    """[G_concat] (concat=1) ONE shared INSResBlock on the content, then per domain a ConcatDecoder."""

    def __init__(self, out_channels_a: int = 3, out_channels_b: int = 3, channels: int = 256, nz: int = 8,
                 **kwargs):
        super().__init__(**kwargs)
        self.out_channels_a, self.out_channels_b, self.channels, self.nz = out_channels_a, out_channels_b, channels, nz
        sub = {"dtype": self.dtype_policy}
        self.share = ins_res_block(channels, name="share", **sub)
        self.dec_a = ConcatDecoder(out_channels_a, channels, nz, name="dec_a", **sub)
        self.dec_b = ConcatDecoder(out_channels_b, channels, nz, name="dec_b", **sub)

    def build(self, content_for_a_shape, z_a_shape, content_for_b_shape, z_b_shape):
        self.share.build(content_for_a_shape)
        self.dec_a.build(content_for_a_shape, z_a_shape)
        self.dec_b.build(content_for_b_shape, z_b_shape)

    def decode(self, content, z, domain: str, training=None) -> tf.Tensor:
        return self.domain_net(domain)(self.share(content, training=training), z, training=training)

    def get_config(self):
        return {"out_channels_a": self.out_channels_a, "out_channels_b": self.out_channels_b,
                "channels": self.channels, "nz": self.nz, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritGenerator(_TwoDomainGenerator):
    """[G] (concat=0) per domain a MisINSDecoder (z -> MLP -> one code per MisINSResBlock); nothing shared."""

    def __init__(self, out_channels_a: int = 3, out_channels_b: int = 3, channels: int = 256, mlp_dim: int = 256,
                 **kwargs):
        super().__init__(**kwargs)
        self.out_channels_a, self.out_channels_b = out_channels_a, out_channels_b
        self.channels, self.mlp_dim = channels, mlp_dim
        sub = {"dtype": self.dtype_policy}
        self.dec_a = MisINSDecoder(out_channels_a, channels, mlp_dim, name="dec_a", **sub)
        self.dec_b = MisINSDecoder(out_channels_b, channels, mlp_dim, name="dec_b", **sub)

    def build(self, content_for_a_shape, z_a_shape, content_for_b_shape, z_b_shape):
        self.dec_a.build(content_for_a_shape, z_a_shape)
        self.dec_b.build(content_for_b_shape, z_b_shape)

    def decode(self, content, z, domain: str, training=None) -> tf.Tensor:
        return self.domain_net(domain)(content, z, training=training)

    def get_config(self):
        return {"out_channels_a": self.out_channels_a, "out_channels_b": self.out_channels_b,
                "channels": self.channels, "mlp_dim": self.mlp_dim, "name": self.name}


def domain_discriminator(dis_scale: int = 3, dim: int = 64, spectral_norm: bool = False,
                         name: str | None = None) -> DomainDiscriminator:
    """What DRIT builds for disA/disB/disA2/disB2: MultiScaleDis (dis_scale scales of 4 k4 layers)
    when dis_scale > 1, else Dis (one scale of 6 k3 layers)."""
    if dis_scale > 1:
        return DomainDiscriminator(dim, dis_scale, 4, 4, spectral_norm, name=name)
    return DomainDiscriminator(dim, 1, 6, 3, spectral_norm, name=name)


def content_discriminator(channels: int = 256, name: str | None = None) -> ContentDiscriminator:
    """[Dis_content] on content codes of `channels` (= 4 * dim) channels."""
    return ContentDiscriminator(channels, 1, name=name)


def reparameterize(mu, logvar, eps) -> tf.Tensor:
    """z = eps * exp(logvar / 2) + mu (official DRIT.forward), eps ~ N(0, 1) given by the caller."""
    return tf.cast(eps, mu.dtype) * tf.exp(0.5 * logvar) + mu
