"""Official NVlabs/MUNIT module paths -> our networks (AdaINGen, MsImageDis and the encoder/decoder
blocks UNIT shares), and the official `gen` / `dis` option dicts of a YAML config -> built networks.

Every official conv sits in a Conv2dBlock: `<block>.conv` (or `<block>.conv.module` with norm 'sn',
MUNIT's own SpectralNorm wrapper), `<block>.norm`, `<block>.activation` (nn.PReLU's one slope).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.assign import load_activation, load_conv_block, load_dense, load_spectral_conv
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.layers import ConvBlock, InstanceNorm
from tf_i2i.layers.padding import PAD_MODES
from tf_i2i.nets.adain_generator import AdaINGenerator
from tf_i2i.nets import (AdaINResnetBlock, ContentEncoder, Decoder, MultiscaleDiscriminator, ResnetBlock,
                         StyleEncoder, StyleMLP, ms_image_discriminator)
from tf_i2i.nets.munit_options import MUNIT_ACTIVATIONS, MUNIT_NORMS

SD = StateDict | StateDictView
GAN_TYPES = ("lsgan", "nsgan")
# Official option -> smallest value the official networks build with.
_MIN = {"dim": 1, "style_dim": 1, "mlp_dim": 1, "n_downsample": 0, "n_res": 0, "n_layer": 1, "num_scales": 1}
_CHOICES = {"activ": MUNIT_ACTIVATIONS, "pad_type": PAD_MODES, "norm": tuple(MUNIT_NORMS), "gan_type": GAN_TYPES}
MUNIT_GEN_KEYS = ("dim", "style_dim", "n_downsample", "n_res", "activ", "pad_type", "mlp_dim")
UNIT_GEN_KEYS = ("dim", "n_downsample", "n_res", "activ", "pad_type")
DIS_KEYS = ("dim", "norm", "activ", "n_layer", "gan_type", "num_scales", "pad_type")


def official_options(opts: Mapping[str, Any], keys: tuple[str, ...], section: str) -> dict[str, Any]:
    """The `keys` of an official `gen`/`dis` section, checked as the official networks need them
    (all required: the official constructors read each one; other keys are ignored, as there)."""
    if not isinstance(opts, Mapping):
        raise ConversionError(f"official '{section}' options must be a mapping, got {type(opts).__name__}")
    missing = [k for k in keys if k not in opts]
    if missing:
        raise ConversionError(f"official '{section}' options lack {missing} (the official networks read them all)")
    out = {}
    for key in keys:
        value = opts[key]
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                raise ConversionError(f"official {section}.{key}={value!r} is not supported; expected one of "
                                      f"{list(_CHOICES[key])}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < _MIN[key]:
            raise ConversionError(f"official {section}.{key}={value!r} must be an integer >= {_MIN[key]}")
        out[key] = value
    return out


def input_dim_option(value: Any, name: str = "input_dim") -> int:
    """A domain's channel count (official input_dim_a / input_dim_b)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConversionError(f"official {name}={value!r} must be an integer >= 1")
    return value


def built(net: keras.Model, input_dim: int, size: int) -> keras.Model:
    """Creates the variables (our layers infer input channels on the first call)."""
    net(np.zeros((1, size, size, input_dim), np.float32), training=False)
    return net


def build_munit_generator_from_official(input_dim: int, gen_opts: Mapping[str, Any],
                                        name: str | None = None) -> AdaINGenerator:
    """AdaINGen(input_dim, hyperparameters['gen'])."""
    o = official_options(gen_opts, MUNIT_GEN_KEYS, "gen")
    if o["n_res"] < 1:
        raise ConversionError("official gen.n_res=0 leaves AdaINGen without AdaIN layers (a style MLP with no "
                              "outputs, which the style cannot affect); MUNIT needs gen.n_res >= 1")
    gen = AdaINGenerator(input_dim=input_dim_option(input_dim), name=name, **o)
    # Large enough that reflection padding fits every layer (the style encoder downsamples 4 times).
    return built(gen, input_dim, 2 ** max(4, o["n_downsample"] + 1))


def build_discriminator_from_official(input_dim: int, dis_opts: Mapping[str, Any],
                                      name: str | None = None) -> MultiscaleDiscriminator:
    """MsImageDis(input_dim, hyperparameters['dis']); gan_type only changes the loss."""
    o = official_options(dis_opts, DIS_KEYS, "dis")
    disc = ms_image_discriminator(o["dim"], o["n_layer"], o["norm"], o["activ"], o["num_scales"], o["pad_type"],
                                  get_interm_feat=True, name=name)
    disc.build((None, None, None, input_dim_option(input_dim)))
    return disc


def load_conv2d_block(block: ConvBlock, sd: SD) -> None:
    """An official Conv2dBlock: `conv` (`conv.module` for 'sn'), `norm`, `activation`."""
    if block.spectral_norm:
        load_spectral_conv(block.conv, sd.sub("conv.module"), weight_key="weight_bar")
    else:
        load_conv_block(block, sd.sub("conv"), sd.sub("norm"))
    if isinstance(block.norm, InstanceNorm) and sd.has("norm.running_mean"):
        raise ConversionError(f"{sd.sub('norm').prefix}: an InstanceNorm2d with track_running_stats=True (an "
                              "early MUNIT release), whose eval uses running statistics; our 'in' norm does not")
    load_activation(block.act, sd.sub("activation"))


def load_res_block(block: ResnetBlock, sd: SD) -> None:
    """ResBlock: `model.0` (conv, norm, activ) and `model.1` (conv, norm)."""
    load_conv2d_block(block.conv1, sd.sub("model.0"))
    load_conv2d_block(block.conv2, sd.sub("model.1"))


def load_adain_res_block(block: AdaINResnetBlock, sd: SD) -> None:
    """ResBlock with norm 'adain': the AdaIN parameters come from the MLP, so each `norm` has only
    its running_mean / running_var, dummy buffers the official forward never reads."""
    for i, conv in enumerate((block.conv1, block.conv2)):
        m = sd.sub(f"model.{i}")
        load_conv_block(conv, m.sub("conv"))
        m.skip("norm.running_mean")
        m.skip("norm.running_var")
    load_activation(block.act, sd.sub("model.0.activation"))


def load_content_encoder(enc: ContentEncoder, sd: SD) -> None:
    """`model.<i>`: the convs, then ResBlocks `model.<n_downsample + 1>.model.<j>`."""
    for i, block in enumerate(enc.convs):
        load_conv2d_block(block, sd.sub(f"model.{i}"))
    for j, block in enumerate(enc.blocks):
        load_res_block(block, sd.sub(f"model.{len(enc.convs)}.model.{j}"))


def load_style_encoder(enc: StyleEncoder, sd: SD) -> None:
    """`model.<i>`: the convs, the global pooling (no parameters), the 1x1 conv (a bare nn.Conv2d)."""
    for i, block in enumerate(enc.convs):
        load_conv2d_block(block, sd.sub(f"model.{i}"))
    load_conv_block(enc.head, sd.sub(f"model.{len(enc.convs) + 1}"))


def load_decoder(dec: Decoder, sd: SD) -> None:
    """`model.0.model.<j>`: residual blocks; then nn.Upsample (no parameters) + Conv2dBlock pairs;
    the last Conv2dBlock."""
    load = load_adain_res_block if dec.uses_adain else load_res_block
    for j, block in enumerate(dec.blocks):
        load(block, sd.sub(f"model.0.model.{j}"))
    for i, conv in enumerate(dec.up):
        load_conv2d_block(conv, sd.sub(f"model.{2 + 2 * i}"))
    load_conv2d_block(dec.head, sd.sub(f"model.{1 + 2 * len(dec.up)}"))


def load_mlp(mlp: StyleMLP, sd: SD) -> None:
    """LinearBlocks `model.<i>`: `fc` and the activation (none after the last)."""
    for i, dense in enumerate(mlp.dense):
        load_dense(dense, sd.sub(f"model.{i}.fc"))
        if i < len(mlp.acts):
            load_activation(mlp.acts[i], sd.sub(f"model.{i}.activation"))


def load_munit_generator(gen: AdaINGenerator, sd: SD) -> None:
    """`enc_style`, `enc_content`, `dec`, `mlp`."""
    load_style_encoder(gen.enc_style, sd.sub("enc_style"))
    load_content_encoder(gen.enc_content, sd.sub("enc_content"))
    load_decoder(gen.dec, sd.sub("dec"))
    load_mlp(gen.mlp, sd.sub("mlp"))


def load_discriminator(disc: MultiscaleDiscriminator, sd: SD) -> None:
    """`cnns.<scale>.<j>`: n_layer Conv2dBlocks, then the bare 1x1 nn.Conv2d."""
    for k, scale in enumerate(disc.scales):
        *blocks, logits = scale.blocks
        for j, block in enumerate(blocks):
            load_conv2d_block(block, sd.sub(f"cnns.{k}.{j}"))
        load_conv_block(logits, sd.sub(f"cnns.{k}.{len(blocks)}"))
