"""Multi-domain DRIT++ (MDMM, official networks.py `MD_*`): ONE set of networks for N domains, told
the domain by a one-hot code c [B, num_domains].

- content encoder: a ContentEncoder with 4 INSResBlocks and Gaussian noise (no per-domain part);
- attribute encoders: the two-domain encoders on [image, c tiled to H x W];
- generators: the concat variant gets c tiled with z before its first stage; the feature-wise
  variant feeds [c, z] to its MLP;
- discriminator: 6 LeakyReLU convs, a patch head and a domain-classification head;
- content discriminator: classifies the domain of a content code.

Widths are arguments whose defaults are the official hard-coded values: `dim` 64 (content width
4 * dim = 256) and `mlp_dim` 256.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import ConvBlock
from tf_i2i.nets.drit_blocks import (AttributeEncoder, AttributeEncoderVAE, ConcatDecoder, ContentDiscriminator,
                                     ContentEncoder, LeakyReLUConv, MisINSDecoder, build_stack, concat_code,
                                     ins_res_block, maps)

NZ = 8  # MD_multi.nz, hard-coded
CONTENT_RES = 4  # MD_E_content: 3 INSResBlocks + the 1 a two-domain encoder would share
DIS_LAYERS = 6  # MD_Dis n_layer, hard-coded


def _sub(layer: keras.layers.Layer) -> dict:
    return {"dtype": layer.dtype_policy}


def content_encoder(dim: int = 64, name: str | None = None, dtype=None) -> ContentEncoder:
    """[MD_E_content] content codes [B, H/4, W/4, 4*dim], N(0, 1) noise added in training only."""
    return ContentEncoder(dim, CONTENT_RES, noise=True, name=name, dtype=dtype)


class _DomainInput(keras.Model):
    """A sub-network that sees [x, c tiled to x's size] (MD_E_attr* forward: view, repeat, cat)."""

    net_cls: type[keras.Model]

    def __init__(self, dim: int = 64, nz: int = NZ, num_domains: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.nz, self.num_domains = dim, nz, num_domains
        self.net = self.net_cls(dim, nz, name="net", **_sub(self))

    def build(self, x_shape, c_shape):
        self.net.build(maps(x_shape[-1] + c_shape[-1]))

    def call(self, x, c, training=None):
        return self.net(concat_code(x, c), training=training)

    def get_config(self):
        return {"dim": self.dim, "nz": self.nz, "num_domains": self.num_domains, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDAttributeEncoderVAE(_DomainInput):
    """[MD_E_attr_concat] (concat=1) call(x, c) -> (mu, logvar), each [B, nz]."""

    net_cls = AttributeEncoderVAE


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDAttributeEncoder(_DomainInput):
    """[MD_E_attr] (concat=0) call(x, c) -> z [B, nz]."""

    net_cls = AttributeEncoder


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDGeneratorConcat(keras.Model):
    """[MD_G_multi_concat] (concat=1) call(content, z, c) -> image of domain c in [-1, 1]: an
    INSResBlock on the content (dec_share), then a ConcatDecoder that tiles [c, z] before its first
    stage (c in front) and z alone before the later ones."""

    def __init__(self, out_channels: int = 3, channels: int = 256, nz: int = NZ, num_domains: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.out_channels, self.channels, self.nz, self.num_domains = out_channels, channels, nz, num_domains
        self.share = ins_res_block(channels, name="share", **_sub(self))
        self.dec = ConcatDecoder(out_channels, channels, nz, extra_dim=num_domains, name="dec", **_sub(self))

    def build(self, content_shape, z_shape, c_shape):
        self.share.build(content_shape)
        self.dec.build(content_shape, z_shape, c_shape)

    def call(self, content, z, c, training=None):
        return self.dec(self.share(content, training=training), z, c, training=training)

    def get_config(self):
        return {"out_channels": self.out_channels, "channels": self.channels, "nz": self.nz,
                "num_domains": self.num_domains, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDGenerator(keras.Model):
    """[MD_G_multi] (concat=0) call(content, z, c) -> image of domain c: a MisINSDecoder whose MLP
    takes [c, z] (c first), so the domain modulates every MisINSResBlock like the attribute does."""

    def __init__(self, out_channels: int = 3, channels: int = 256, nz: int = NZ, num_domains: int = 3,
                 mlp_dim: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.out_channels, self.channels, self.nz = out_channels, channels, nz
        self.num_domains, self.mlp_dim = num_domains, mlp_dim
        self.dec = MisINSDecoder(out_channels, channels, mlp_dim, name="dec", **_sub(self))

    def build(self, content_shape, z_shape, c_shape):
        self.dec.build(content_shape, (None, c_shape[-1] + z_shape[-1]))

    @staticmethod
    def _code(z, c) -> tf.Tensor:
        return tf.concat([tf.cast(c, z.dtype), z], axis=-1)

    def codes(self, z, c) -> tf.Tensor:
        """The MLP output [B, 4*channels] (official mlp(cat([c, z])))."""
        return self.dec.codes(self._code(z, c))

    def call(self, content, z, c, training=None):
        return self.dec(content, self._code(z, c), training=training)

    def get_config(self):
        return {"out_channels": self.out_channels, "channels": self.channels, "nz": self.nz,
                "num_domains": self.num_domains, "mlp_dim": self.mlp_dim, "name": self.name}


def domain_kernel_size(image_size: int) -> int:
    """MD_Dis's classification kernel, int(image_size / 2**6): the feature map size after the six
    stride-2 layers of an image_size crop, rounded down (1 for crops of 64..127 px)."""
    k = int(image_size / 2 ** DIS_LAYERS)
    if k < 1:
        raise ConfigError(f"image_size={image_size} gives MD_Dis a classification kernel of {k}; it needs "
                         f"image_size >= {2 ** DIS_LAYERS}")
    return k


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDDiscriminator(keras.Model):
    """[MD_Dis] six LeakyReLU k3s2 convs (reflect pad 1; widths dim, 2dim, .., 16dim, 16dim; spectral
    norm if asked), then two bias-free heads on the same features: a 1x1 conv with ZERO padding 1 ->
    real/fake logits [B, h+2, w+2, 1] (the border is always 0, as official), and a conv of kernel
    int(image_size/64) averaged over space -> domain logits [B, num_domains]. The heads never have
    spectral norm (official plain nn.Conv2d); `norm` has no option: the official one is a no-op."""

    def __init__(self, dim: int = 64, num_domains: int = 3, image_size: int = 216, spectral_norm: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.dim, self.num_domains, self.image_size, self.spectral_norm = dim, num_domains, image_size, spectral_norm
        widths = [dim * 2 ** min(i, DIS_LAYERS - 2) for i in range(DIS_LAYERS)]
        self.blocks = [LeakyReLUConv(w, 3, 2, 1, spectral_norm=spectral_norm, name=f"block{i}", **_sub(self))
                       for i, w in enumerate(widths)]
        self.logits = ConvBlock(1, 1, padding=1, use_bias=False, name="logits", dtype="float32")
        self.classifier = ConvBlock(num_domains, domain_kernel_size(image_size), use_bias=False,
                                    name="classifier", dtype="float32")

    def build(self, input_shape):
        channels = build_stack(self.blocks, input_shape[-1])
        self.logits.build(maps(channels))
        self.classifier.build(maps(channels))

    def features(self, x, training=None) -> list[tf.Tensor]:
        """Every block's output, the patch logits, then the classification map before pooling."""
        out = []
        for block in self.blocks:
            x = block(x, training=training)
            out.append(x)
        return out + [self.logits(x, training=training), self.classifier(x, training=training)]

    def call(self, x, training=None) -> tuple[tf.Tensor, tf.Tensor]:
        *_, logits, cls_map = self.features(x, training=training)
        return logits, tf.reduce_mean(cls_map, axis=[1, 2])

    def get_config(self):
        return {"dim": self.dim, "num_domains": self.num_domains, "image_size": self.image_size,
                "spectral_norm": self.spectral_norm, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class MDContentDiscriminator(ContentDiscriminator):
    """[MD_Dis_content] the content discriminator with one logit per domain: call -> [B, num_domains].
    Like the official `view(B, C)` it needs content maps that reduce to 1x1 (53..60 px, i.e. crops of
    212..243 px); other sizes raise instead of mixing positions into the batch."""

    max_logits_side = 1

    def __init__(self, dim: int = 256, num_domains: int = 3, **kwargs):
        super().__init__(dim, num_domains, **kwargs)
        self.num_domains = num_domains

    def call(self, x, training=None):
        logits = self.features(x, training=training)[-1]
        if logits.shape[1] not in (None, 1) or logits.shape[2] not in (None, 1):
            raise ValueError(f"MD_Dis_content needs content maps that reduce to 1x1 (53..60 px), got logits "
                             f"{tuple(logits.shape)}")
        # A reshape to [B, C] fails at run time too when the map is not 1x1 (sizes differ).
        return tf.reshape(logits, tf.stack([tf.shape(logits)[0], self.num_domains]))

    def get_config(self):
        return {"dim": self.dim, "num_domains": self.num_domains, "name": self.name}
