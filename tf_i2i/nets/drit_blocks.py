"""DRIT / DRIT++ building blocks (Lee et al. 2018, 2020), shared by the two-domain DRIT and the
multi-domain DRIT++ (MDMM). Official class names are in brackets.

Most blocks are only a ConvBlock / ResnetBlock configuration (functions below); new code is kept
for what differs: the never-normalising LeakyReLU conv, MisINSResBlock (attribute code concatenated
at every 1x1 conv), the attribute encoder's pre-activation BasicBlock and the discriminator stacks.
Official quirks kept on purpose, so official weights reproduce the official outputs:
- LeakyReLUConv2d never adds its InstanceNorm (the official test is `'norm' == 'Instance'`, two
  literals), and its LeakyReLU has torch's default slope 0.01;
- ReLUINSConvTranspose2d has no InstanceNorm but DRIT's LayerNorm (F.layer_norm over C, H, W).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers import AvgPoolExcludePad, ConvBlock, LeakyReLU
from tf_i2i.nets.multiscale_discriminator import PyramidDiscriminator
from tf_i2i.nets.patchgan import BlockStackDiscriminator
from tf_i2i.nets.resnet_block import ResnetBlock

LEAKY_CONV_SLOPE = 0.01  # nn.LeakyReLU() in LeakyReLUConv2d
ATTR_SLOPE = 0.2  # get_non_linearity('lrelu') in the VAE attribute encoder


def _sub(layer: keras.layers.Layer) -> dict:
    return {"dtype": layer.dtype_policy}


# Explicit build()s: without one Keras builds a network by tracing its call() symbolically (and
# again for every nested network that has none) before the first real call. These builds only need
# channel counts, so they create the same variables, in the order call() would, without any trace.
def maps(channels: int) -> tuple:
    """The build shape of NHWC maps of `channels` channels (the builds here need no spatial size)."""
    return None, None, None, channels


def build_stack(layers: list[keras.layers.Layer], channels: int) -> int:
    """Builds `layers` applied one after the other to `channels`-channel maps, in that order;
    returns the output channels. Each is a ConvBlock, ResnetBlock or AttrBasicBlock."""
    for layer in layers:
        layer.build(maps(channels))
        channels = layer.filters_out if isinstance(layer, AttrBasicBlock) else layer.filters
    return channels


@keras.saving.register_keras_serializable(package="tf_i2i")
class LeakyReLUConv(ConvBlock):
    """[LeakyReLUConv2d] reflection pad, conv with bias (optionally spectral-normalised), LeakyReLU(0.01)."""

    def __init__(self, filters: int, kernel_size: int, strides: int = 1, padding: int = 0,
                 spectral_norm: bool = False, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, pad_mode="reflect",
                         spectral_norm=spectral_norm, **kwargs)
        self.act = LeakyReLU(LEAKY_CONV_SLOPE, name="act", dtype=self.dtype_policy)

    def get_config(self):
        config = super().get_config()
        for fixed in ("pad_mode", "norm", "activation", "use_bias", "transpose", "output_padding"):
            config.pop(fixed)
        return config


def relu_ins_conv(filters: int, kernel_size: int, strides: int, padding: int, name: str, dtype=None) -> ConvBlock:
    """[ReLUINSConv2d] reflection pad, conv, InstanceNorm2d (no affine), ReLU."""
    return ConvBlock(filters, kernel_size, strides=strides, padding=padding, pad_mode="reflect", norm="instance",
                     activation="relu", name=name, dtype=dtype)


def ins_res_block(filters: int, name: str, dtype=None) -> ResnetBlock:
    """[INSResBlock] x + [pad, 3x3 conv, IN, ReLU, pad, 3x3 conv, IN](x): exactly our ResnetBlock."""
    return ResnetBlock(filters, pad_mode="reflect", norm="instance", activation="relu", name=name, dtype=dtype)


def relu_ln_conv_transpose(filters: int, name: str, dtype=None) -> ConvBlock:
    """[ReLUINSConvTranspose2d] ConvTranspose2d(k3, s2, p1, output_padding 1), DRIT LayerNorm, ReLU:
    doubles the resolution."""
    return ConvBlock(filters, 3, strides=2, padding=1, transpose=True, output_padding=1, norm="layer_torch",
                     activation="relu", name=name, dtype=dtype)


def image_head(out_channels: int, name: str) -> ConvBlock:
    """The generators' last layer: a 1x1 ConvTranspose2d and tanh (float32, the image output)."""
    return ConvBlock(out_channels, 1, transpose=True, activation="tanh", name=name, dtype="float32")


def tile_code(code: tf.Tensor, like: tf.Tensor) -> tf.Tensor:
    """A code [B, N] as a map [B, H, W, N] of `like`'s size (official view + expand)."""
    # A broadcasting product, not tf.broadcast_to: it keeps the static channel count the next conv needs.
    return tf.ones_like(like[:, :, :, :1]) * tf.cast(code, like.dtype)[:, None, None, :]


def concat_code(x: tf.Tensor, *codes: tf.Tensor) -> tf.Tensor:
    """[x, tiled codes...] along channels, as the official torch.cat([x, z_img], 1)."""
    return tf.concat([x] + [tile_code(c, x) for c in codes], axis=-1)


# Registered under another name: MUNIT's tf_i2i.nets.ContentEncoder already holds "tf_i2i>ContentEncoder".
@keras.saving.register_keras_serializable(package="tf_i2i", name="DritDomainContentEncoder")
class ContentEncoder(keras.Model):
    """[E_content's convA / convB; MD_E_content] LeakyReLU c7s1-dim, two ReLU-IN k3s2 convs doubling
    the width, n_res INSResBlocks: content features [B, H/4, W/4, 4*dim]. `noise=True` ends with
    GaussianNoiseLayer (N(0, 1) added in training only), as MDMM's single encoder; DRIT's two
    encoders instead share their last INSResBlock + noise, which the two-domain network owns."""

    def __init__(self, dim: int = 64, n_res: int = 3, noise: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.n_res, self.noise = dim, n_res, noise
        sub = _sub(self)
        self.blocks = [LeakyReLUConv(dim, 7, 1, 3, name="conv0", **sub),
                       relu_ins_conv(dim * 2, 3, 2, 1, name="down1", **sub),
                       relu_ins_conv(dim * 4, 3, 2, 1, name="down2", **sub)]
        self.blocks += [ins_res_block(dim * 4, name=f"res{i}", **sub) for i in range(n_res)]
        self.gaussian = keras.layers.GaussianNoise(1.0, name="noise", **sub) if noise else None

    @property
    def output_dim(self) -> int:
        return self.dim * 4

    def build(self, input_shape):
        build_stack(self.blocks, input_shape[-1])

    def call(self, x, training=None):
        for block in self.blocks:
            x = block(x, training=training)
        return x if self.gaussian is None else self.gaussian(x, training=training)

    def get_config(self):
        return {"dim": self.dim, "n_res": self.n_res, "noise": self.noise, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class AttrBasicBlock(keras.layers.Layer):
    """[BasicBlock, norm_layer None] pre-activation residual block that halves the resolution:
    pool(conv3(lrelu(conv3(lrelu(x))))) + conv1(pool(x)), LeakyReLU slope 0.2, 2x2 average pools."""

    def __init__(self, filters_in: int, filters_out: int, **kwargs):
        super().__init__(**kwargs)
        self.filters_in, self.filters_out = filters_in, filters_out
        sub = _sub(self)
        self.act = LeakyReLU(ATTR_SLOPE, name="act", **sub)
        self.conv1 = ConvBlock(filters_in, 3, padding=1, pad_mode="reflect", activation="lrelu", name="conv1", **sub)
        self.conv2 = ConvBlock(filters_out, 3, padding=1, pad_mode="reflect", name="conv2", **sub)
        self.pool = keras.layers.AveragePooling2D(2, name="pool", **sub)
        self.shortcut = ConvBlock(filters_out, 1, name="shortcut", **sub)

    def build(self, input_shape):
        shape = tuple(input_shape)
        self.conv1.build(shape)
        self.conv2.build(shape[:3] + (self.filters_in,))
        self.shortcut.build(self.pool.compute_output_shape(shape))

    def compute_output_shape(self, input_shape):
        return self.pool.compute_output_shape(tuple(input_shape)[:3] + (self.filters_out,))

    def call(self, x, training=None):
        y = self.pool(self.conv2(self.conv1(self.act(x))))
        return y + self.shortcut(self.pool(x))

    def get_config(self):
        return {**super().get_config(), "filters_in": self.filters_in, "filters_out": self.filters_out}


@keras.saving.register_keras_serializable(package="tf_i2i")
class AttributeEncoderVAE(keras.Model):
    """[E_attr_concat's conv_X + fc_X + fcVar_X; MD_E_attr_concat] one domain's VAE attribute
    encoder: k4s2 conv (reflect pad 1), BasicBlocks to widths dim*2, dim*3, dim*4, LeakyReLU(0.2),
    global average pool, two linear heads: (mu, logvar), each [B, nz]."""

    N_BLOCKS, MAX_MULT = 4, 4  # official hard-coded n_blocks, max_ndf

    def __init__(self, dim: int = 64, nz: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.nz = dim, nz
        sub = _sub(self)
        self.stem = ConvBlock(dim, 4, strides=2, padding=1, pad_mode="reflect", name="stem", **sub)
        mult = [min(self.MAX_MULT, n) for n in range(1, self.N_BLOCKS + 1)]
        self.blocks = [AttrBasicBlock(dim * a, dim * b, name=f"block{i}", **sub)
                       for i, (a, b) in enumerate(zip(mult[:-1], mult[1:]))]
        self.act = LeakyReLU(ATTR_SLOPE, name="act", **sub)
        self.fc = keras.layers.Dense(nz, name="fc", dtype="float32")
        self.fc_var = keras.layers.Dense(nz, name="fc_var", dtype="float32")

    def build(self, input_shape):
        channels = build_stack([self.stem, *self.blocks], input_shape[-1])
        self.fc.build((None, channels))
        self.fc_var.build((None, channels))

    def call(self, x, training=None) -> tuple[tf.Tensor, tf.Tensor]:
        x = self.stem(x, training=training)
        for block in self.blocks:
            x = block(x, training=training)
        pooled = tf.reduce_mean(tf.cast(self.act(x), tf.float32), axis=[1, 2])
        return self.fc(pooled), self.fc_var(pooled)

    def get_config(self):
        return {"dim": self.dim, "nz": self.nz, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class AttributeEncoder(keras.Model):
    """[E_attr's model_a / model_b; MD_E_attr] one domain's plain attribute encoder: ReLU c7s1-dim,
    k4s2 convs to dim*2, dim*4, dim*4, dim*4 (reflect pad 1), global average pool, 1x1 conv: [B, nz]."""

    def __init__(self, dim: int = 64, nz: int = 8, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.nz = dim, nz
        sub = _sub(self)
        self.convs = [ConvBlock(dim, 7, padding=3, pad_mode="reflect", activation="relu", name="conv0", **sub)]
        self.convs += [ConvBlock(w, 4, strides=2, padding=1, pad_mode="reflect", activation="relu",
                                 name=f"down{i}", **sub) for i, w in enumerate((dim * 2, dim * 4, dim * 4, dim * 4))]
        self.head = ConvBlock(nz, 1, name="head", dtype="float32")

    def build(self, input_shape):
        build_stack([*self.convs, self.head], input_shape[-1])

    def call(self, x, training=None):
        for conv in self.convs:
            x = conv(x, training=training)
        pooled = tf.reduce_mean(tf.cast(x, tf.float32), axis=[1, 2], keepdims=True)
        return tf.reshape(self.head(pooled), [-1, self.nz])

    def get_config(self):
        return {"dim": self.dim, "nz": self.nz, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class ConcatDecoder(keras.Model):
    """[G_concat's decX1..decX4; MD_G_multi_concat's dec1..dec4] the attribute code z is tiled and
    concatenated before each stage: 3 INSResBlocks, two ReLU-LayerNorm transposed convs halving
    (width + nz), a 1x1 transposed conv + tanh. `extra_dim` channels of another code (MDMM's domain
    code) join z before the first stage only, in front of it. The shared INSResBlock that precedes
    this (dec_share) belongs to the caller."""

    def __init__(self, out_channels: int = 3, channels: int = 256, nz: int = 8, extra_dim: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.out_channels, self.channels, self.nz, self.extra_dim = out_channels, channels, nz, extra_dim
        sub = _sub(self)
        width = channels + extra_dim + nz
        self.res = [ins_res_block(width, name=f"res{i}", **sub) for i in range(3)]
        up1 = (width + nz) // 2
        up2 = (up1 + nz) // 2
        self.up = [relu_ln_conv_transpose(up1, name="up1", **sub), relu_ln_conv_transpose(up2, name="up2", **sub)]
        self.head = image_head(out_channels, "head")

    def build(self, x_shape, z_shape=None, extra_shape=None):
        width = x_shape[-1] + self.extra_dim + self.nz
        for block in self.res:
            block.build(maps(width))
        for layer in (*self.up, self.head):
            layer.build(maps(width + self.nz))
            width = layer.filters

    def call(self, x, z, extra=None, training=None):
        x = concat_code(x, *([] if extra is None else [extra]), z)
        for block in self.res:
            x = block(x, training=training)
        for up in self.up:
            x = up(concat_code(x, z), training=training)
        return self.head(concat_code(x, z))

    def get_config(self):
        return {"out_channels": self.out_channels, "channels": self.channels, "nz": self.nz,
                "extra_dim": self.extra_dim, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class MisINSResBlock(keras.layers.Layer):
    """[MisINSResBlock] residual block whose convs see the code z: o = IN(conv3(x)); o = relu(1x1(relu(
    1x1([o, z])))); o = IN(conv3(o)); out = x + relu(1x1(relu(1x1([o, z])))). `extra_dim` = z's width."""

    def __init__(self, dim: int, extra_dim: int, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.extra_dim = dim, extra_dim
        sub = _sub(self)
        conv3 = dict(kernel_size=3, padding=1, pad_mode="reflect", norm="instance", **sub)
        self.conv1 = ConvBlock(dim, name="conv1", **conv3)
        self.conv2 = ConvBlock(dim, name="conv2", **conv3)
        self.blk1 = [ConvBlock(dim + extra_dim, 1, activation="relu", name="blk1_0", **sub),
                     ConvBlock(dim, 1, activation="relu", name="blk1_1", **sub)]
        self.blk2 = [ConvBlock(dim + extra_dim, 1, activation="relu", name="blk2_0", **sub),
                     ConvBlock(dim, 1, activation="relu", name="blk2_1", **sub)]

    def build(self, x_shape, z_shape=None):
        shape = tuple(x_shape)[:3]
        self.conv1.build(shape + (self.dim,))
        self.conv2.build(shape + (self.dim,))
        for first, second in (self.blk1, self.blk2):
            first.build(shape + (self.dim + self.extra_dim,))
            second.build(shape + (self.dim + self.extra_dim,))

    def compute_output_shape(self, x_shape, z_shape=None):
        return x_shape

    @staticmethod
    def _mix(blk: list[ConvBlock], o, z, training):
        return blk[1](blk[0](concat_code(o, z), training=training), training=training)

    def call(self, x, z, training=None):
        o = self._mix(self.blk1, self.conv1(x, training=training), z, training)
        o = self._mix(self.blk2, self.conv2(o, training=training), z, training)
        return x + o

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "extra_dim": self.extra_dim}


@keras.saving.register_keras_serializable(package="tf_i2i")
class MisINSDecoder(keras.Model):
    """[G's mlpX + decX1..decX5] an MLP (nz -> mlp_dim -> mlp_dim -> 4*channels, ReLUs between) turns
    z into four codes of `channels`, one per MisINSResBlock; then two ReLU-LayerNorm transposed
    convs (channels/2, channels/4) and a 1x1 transposed conv + tanh."""

    N_BLOCKS = 4

    def __init__(self, out_channels: int = 3, channels: int = 256, mlp_dim: int = 256, **kwargs):
        super().__init__(**kwargs)
        self.out_channels, self.channels, self.mlp_dim = out_channels, channels, mlp_dim
        sub = _sub(self)
        self.mlp = [keras.layers.Dense(mlp_dim, activation="relu", name="mlp0", dtype="float32"),
                    keras.layers.Dense(mlp_dim, activation="relu", name="mlp1", dtype="float32"),
                    keras.layers.Dense(channels * self.N_BLOCKS, name="mlp2", dtype="float32")]
        self.blocks = [MisINSResBlock(channels, channels, name=f"block{i}", **sub) for i in range(self.N_BLOCKS)]
        self.up = [relu_ln_conv_transpose(channels // 2, name="up1", **sub),
                   relu_ln_conv_transpose(channels // 4, name="up2", **sub)]
        self.head = image_head(out_channels, "head")

    def build(self, x_shape, z_shape=None):
        width = z_shape[-1]
        for dense in self.mlp:
            dense.build((None, width))
            width = dense.units
        for block in self.blocks:
            block.build(maps(x_shape[-1]), (None, self.channels))
        build_stack([*self.up, self.head], x_shape[-1])

    def codes(self, z) -> tf.Tensor:
        """The MLP output [B, 4*channels] (official mlpX(z)), split in order among the blocks."""
        for dense in self.mlp:
            z = dense(z)
        return z

    def call(self, x, z, training=None):
        codes = tf.split(self.codes(z), self.N_BLOCKS, axis=-1)
        for block, code in zip(self.blocks, codes):
            x = block(x, code, training=training)
        for up in self.up:
            x = up(x, training=training)
        return self.head(x)

    def get_config(self):
        return {"out_channels": self.out_channels, "channels": self.channels, "mlp_dim": self.mlp_dim,
                "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class DritPatchDiscriminator(BlockStackDiscriminator):
    """[one scale of MultiScaleDis, or Dis] n_layers LeakyReLU convs (stride 2, reflect pad 1, widths
    dim * 2**i) and a 1x1 conv to raw logits, spectral norm on every conv if asked. MultiScaleDis uses
    kernel 4 and 4 layers, Dis kernel 3 and 6 layers (its `norm` argument is a no-op, see module doc)."""

    def __init__(self, dim: int = 64, n_layers: int = 4, kernel_size: int = 4, spectral_norm: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.dim, self.n_layers, self.kernel_size, self.spectral_norm = dim, n_layers, kernel_size, spectral_norm
        sub = _sub(self)
        self.blocks = [LeakyReLUConv(dim * 2 ** i, kernel_size, 2, 1, spectral_norm=spectral_norm,
                                     name=f"block{i}", **sub) for i in range(n_layers)]
        self.blocks.append(ConvBlock(1, 1, spectral_norm=spectral_norm, name="logits", dtype="float32"))

    def build(self, input_shape):
        build_stack(self.blocks, input_shape[-1])

    def get_config(self):
        return {"dim": self.dim, "n_layers": self.n_layers, "kernel_size": self.kernel_size,
                "spectral_norm": self.spectral_norm, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class DomainDiscriminator(PyramidDiscriminator):
    """[MultiScaleDis / Dis] n_scales DritPatchDiscriminators; scale i judges the input average-pooled
    i times (3x3, stride 2, padding 1 excluded from the mean). call(x) returns, per scale, every
    block's output, the last being the logits (as our MultiscaleDiscriminator)."""

    def __init__(self, dim: int = 64, n_scales: int = 3, n_layers: int = 4, kernel_size: int = 4,
                 spectral_norm: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.n_scales, self.n_layers = dim, n_scales, n_layers
        self.kernel_size, self.spectral_norm = kernel_size, spectral_norm
        self.scales = [DritPatchDiscriminator(dim, n_layers, kernel_size, spectral_norm, name=f"scale{i}",
                                              **_sub(self)) for i in range(n_scales)]
        self.downsample = AvgPoolExcludePad(3, 2, 1, name="downsample", **_sub(self))

    def get_config(self):
        return {"dim": self.dim, "n_scales": self.n_scales, "n_layers": self.n_layers,
                "kernel_size": self.kernel_size, "spectral_norm": self.spectral_norm, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class ContentDiscriminator(BlockStackDiscriminator):
    """[Dis_content; MD_Dis_content with out_channels = number of domains] on content features of
    `dim` channels: three LeakyReLU k7s2 convs (reflect pad 1), a LeakyReLU k4 valid conv, a 1x1 conv
    to raw logits. Needs maps >= 53 px (images >= 212 px); a 54 px map gives one logit per sample."""

    max_logits_side: int | None = None  # no upper bound: the losses average the logit map

    def __init__(self, dim: int = 256, out_channels: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.out_channels = dim, out_channels
        sub = _sub(self)
        self.blocks = [LeakyReLUConv(dim, 7, 2, 1, name=f"block{i}", **sub) for i in range(3)]
        self.blocks.append(LeakyReLUConv(dim, 4, 1, 0, name="block3", **sub))
        self.blocks.append(ConvBlock(out_channels, 1, name="logits", dtype="float32"))

    def build(self, input_shape):
        build_stack(self.blocks, input_shape[-1])

    def get_config(self):
        return {"dim": self.dim, "out_channels": self.out_channels, "name": self.name}
