"""SPADE / GauGAN networks (Park et al., CVPR 2019): the SPADE generator (Sec. 3, Fig. 4), the VAE
image encoder (Sec. 3.3, appendix B) and its reparameterisation, and the multi-scale discriminator,
with the official layer order, widths and padding so converted official weights reproduce it."""

from __future__ import annotations

import re

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import ConvBlock, LeakyReLU
from tf_i2i.layers.resize import resize_images
from tf_i2i.nets.multiscale_discriminator import MultiscaleDiscriminator
from tf_i2i.nets.spade_blocks import SPADEResnetBlock

UPSAMPLINGS = {"normal": 5, "more": 6, "most": 7}  # num_upsampling_layers -> 2x upsamplings
NONSPADE_NORMS = {"": "none", "none": "none", "batch": "batch", "sync_batch": "sync_batch", "instance": "instance"}


def parse_norm(norm_type: str) -> dict:
    """Official norm_D / norm_E ('spectralinstance', 'spectralsync_batch', 'spectralnone', ...) ->
    spectral_norm and our norm kind. The conv before a norm has no bias (the official code drops it)."""
    match = re.fullmatch(r"(spectral)?(\w*)", norm_type)
    if match is None or match.group(2) not in NONSPADE_NORMS:
        raise ConfigError(f"unknown norm {norm_type!r}; expected [spectral]<norm>, <norm> one of "
                         f"{sorted(k for k in NONSPADE_NORMS if k)}")
    return {"spectral_norm": bool(match.group(1)), "norm": NONSPADE_NORMS[match.group(2)]}


def latent_size(crop_size: int, aspect_ratio: float, num_upsampling_layers: str) -> tuple[int, int]:
    """(sh, sw): the generator's starting grid; the output is that times 2**upsamplings."""
    if num_upsampling_layers not in UPSAMPLINGS:
        raise ConfigError(f"unknown num_upsampling_layers {num_upsampling_layers!r}; expected {sorted(UPSAMPLINGS)}")
    sw = crop_size // 2 ** UPSAMPLINGS[num_upsampling_layers]
    sh = round(sw / aspect_ratio)  # Python's round, as the official code
    if sh < 1 or sw < 1:
        raise ConfigError(f"crop_size {crop_size}, aspect_ratio {aspect_ratio} and {num_upsampling_layers!r} "
                         f"upsampling give an empty latent grid ({sh}x{sw})")
    return sh, sw


def reparameterize(mu: tf.Tensor, logvar: tf.Tensor, seed=None) -> tf.Tensor:
    """z = mu + exp(logvar / 2) * eps, eps ~ N(0, I): the VAE sampling step, differentiable in mu, logvar."""
    std = tf.exp(0.5 * logvar)
    return mu + std * tf.random.normal(tf.shape(std), dtype=std.dtype, seed=seed)


@keras.saving.register_keras_serializable(package="tf_i2i")
class SPADEGenerator(keras.Model):
    """call(segmap, z=None) -> image in [-1, 1] of size output_size, whatever the segmap's size.

    The start is a (sh, sw) grid of 16*ngf channels: fc(z) reshaped (use_vae; z ~ N(0, I) when not
    given) or a 3x3 conv of the segmap resized to (sh, sw). Then SPADE residual blocks head_0,
    G_middle_0/1 and up_0..up_3 (+ up_4 for 'most') with a nearest 2x upsampling before each but
    head_0 (and before G_middle_1 only for 'more'/'most'); lrelu, 3x3 conv_img, tanh.
    """

    def __init__(self, ngf: int = 64, crop_size: int = 256, aspect_ratio: float = 1.0,
                 num_upsampling_layers: str = "normal", use_vae: bool = False, z_dim: int = 256,
                 norm: str = "sync_batch", kernel_size: int = 3, spectral_norm: bool = True,
                 output_nc: int = 3, spade_hidden: int = 128, **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.crop_size, self.aspect_ratio = ngf, crop_size, float(aspect_ratio)
        self.spade_hidden = spade_hidden  # the official nhidden; smaller only to train tiny models fast
        self.num_upsampling_layers, self.use_vae, self.z_dim = num_upsampling_layers, use_vae, z_dim
        self.norm_kind, self.kernel_size, self.spectral_norm = norm, kernel_size, spectral_norm
        self.output_nc = output_nc
        self.sh, self.sw = latent_size(crop_size, aspect_ratio, num_upsampling_layers)
        dtype = self.dtype_policy
        nf = 16 * ngf
        self.fc = (keras.layers.Dense(nf * self.sh * self.sw, name="fc", dtype=dtype) if use_vae else
                   ConvBlock(nf, 3, padding=1, name="fc", dtype=dtype))
        block = dict(norm=norm, kernel_size=kernel_size, spectral_norm=spectral_norm, hidden=spade_hidden, dtype=dtype)
        more = num_upsampling_layers in ("more", "most")
        # (name, in, out, upsample before the block)
        plan = [("head_0", nf, nf, False), ("G_middle_0", nf, nf, True), ("G_middle_1", nf, nf, more),
                ("up_0", nf, nf // 2, True), ("up_1", nf // 2, nf // 4, True), ("up_2", nf // 4, nf // 8, True),
                ("up_3", nf // 8, ngf, True)]
        if num_upsampling_layers == "most":
            plan.append(("up_4", ngf, ngf // 2, True))
        self.blocks = [SPADEResnetBlock(fin, fout, name=name, **block) for name, fin, fout, _ in plan]
        self.upsample_before = [up for *_, up in plan]
        self.act = LeakyReLU(0.2, name="act", dtype=dtype)
        self.conv_img = ConvBlock(output_nc, 3, padding=1, name="conv_img", dtype="float32")

    @property
    def output_size(self) -> tuple[int, int]:
        """(H, W) of every output: the latent grid times 2**upsamplings."""
        return self.sh * self.size_multiple, self.sw * self.size_multiple

    @property
    def size_multiple(self) -> int:
        """Output H and W are the latent grid (sh, sw) times this."""
        return 2 ** UPSAMPLINGS[self.num_upsampling_layers]

    def intermediates(self, segmap, z=None, training=None) -> dict[str, tf.Tensor]:
        """{'fc_out': the grid entering head_0, 'conv_img_out': before tanh, 'output': the image}."""
        segmap = tf.cast(segmap, self.compute_dtype)
        if self.use_vae:
            if z is None:
                z = tf.random.normal([tf.shape(segmap)[0], self.z_dim])
            x = self.fc(tf.cast(z, self.compute_dtype))
            # The official view is channels-first: (C, sh, sw) per sample.
            x = tf.transpose(tf.reshape(x, [-1, 16 * self.ngf, self.sh, self.sw]), [0, 2, 3, 1])
        else:
            x = self.fc(resize_images(segmap, (self.sh, self.sw), "nearest"), training=training)
        out = {"fc_out": x}
        for block, up in zip(self.blocks, self.upsample_before):
            if up:
                x = resize_images(x, 2 * tf.shape(x)[1:3], "nearest")
            x = block([x, segmap], training=training)
        out["conv_img_out"] = self.conv_img(self.act(x), training=training)
        out["output"] = tf.tanh(out["conv_img_out"])
        return out

    def call(self, segmap, z=None, training=None):
        return self.intermediates(segmap, z, training=training)["output"]

    def get_config(self):
        return {"ngf": self.ngf, "crop_size": self.crop_size, "aspect_ratio": self.aspect_ratio,
                "num_upsampling_layers": self.num_upsampling_layers, "use_vae": self.use_vae,
                "z_dim": self.z_dim, "norm": self.norm_kind, "kernel_size": self.kernel_size,
                "spectral_norm": self.spectral_norm, "output_nc": self.output_nc,
                "spade_hidden": self.spade_hidden, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class ConvEncoder(keras.Model):
    """call(image) -> (mu, logvar), each [B, latent_dim]: the VAE style encoder.

    The image is resized to 256x256 (bilinear, half-pixel: torch align_corners=False), then six
    3x3 stride-2 convs (widths ngf * 1, 2, 4, 8, 8, 8; norm, lrelu 0.2) give a 4x4 grid, flattened
    channels-first as the official view, and two linear layers.
    """

    def __init__(self, ngf: int = 64, norm: str = "instance", spectral_norm: bool = True,
                 latent_dim: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.norm_kind, self.spectral_norm, self.latent_dim = ngf, norm, spectral_norm, latent_dim
        dtype = self.dtype_policy
        self.blocks = [ConvBlock(ngf * m, 3, strides=2, padding=1, norm=norm, activation="lrelu",
                                 use_bias=norm == "none", spectral_norm=spectral_norm, name=f"layer{i}",
                                 dtype=dtype)
                       for i, m in enumerate((1, 2, 4, 8, 8, 8), start=1)]
        self.fc_mu = keras.layers.Dense(latent_dim, name="fc_mu", dtype="float32")
        self.fc_var = keras.layers.Dense(latent_dim, name="fc_var", dtype="float32")

    @property
    def size_multiple(self) -> int:
        """Any image size works: the encoder resizes to 256x256 first."""
        return 1

    def call(self, image, training=None):
        x = resize_images(tf.cast(image, self.compute_dtype), (256, 256), "bilinear")
        for block in self.blocks:
            x = block(x, training=training)
        x = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [-1, 16 * 8 * self.ngf])
        return self.fc_mu(x), self.fc_var(x)

    def get_config(self):
        return {"ngf": self.ngf, "norm": self.norm_kind, "spectral_norm": self.spectral_norm,
                "latent_dim": self.latent_dim, "name": self.name}


def spade_discriminator(ndf: int = 64, n_layers_D: int = 4, norm: str = "instance", spectral_norm: bool = True,
                        num_D: int = 2, get_interm_feat: bool = True, name: str | None = None
                        ) -> MultiscaleDiscriminator:
    """SPADE's multi-scale discriminator: per scale n_layers_D + 1 k4 padding-2 convs (stride 2 but the
    last two), norm and spectral norm on the middle convs only (their bias dropped when normed).
    Scale 0 judges full resolution; call(x) -> per scale the list of every block's output."""
    return MultiscaleDiscriminator(ndf=ndf, n_layers=n_layers_D - 1, norm=norm, num_D=num_D,
                                   get_interm_feat=get_interm_feat, spectral_norm=spectral_norm,
                                   use_bias=norm == "none", spectral_norm_ends=False, name=name)
