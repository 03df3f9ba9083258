"""Official NVlabs/SPADE module paths -> our networks (SPADEGenerator, ConvEncoder, the multi-scale
discriminator), and the official flat option namespace (base/train options plus the ones the
generator and discriminator classes add) -> our built networks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.assign import load_conv_block, load_dense, load_norm
from tf_i2i.convert.opt_file import typed_option
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.layers import ConvBlock, SPADE, parse_spade_norm
from tf_i2i.models.spade import ConvEncoder, SPADEGenerator, parse_norm, spade_discriminator
from tf_i2i.nets import MultiscaleDiscriminator, SPADEResnetBlock

# Official defaults (options/base_options.py, train_options.py, SPADEGenerator and
# NLayerDiscriminator.modify_commandline_options) of the options that shape the networks.
OFFICIAL_DEFAULTS = dict(
    netG="spade", ngf=64, ndf=64, label_nc=182, contain_dontcare_label=False, no_instance=False,
    output_nc=3, crop_size=256, aspect_ratio=1.0, num_upsampling_layers="normal", use_vae=False,
    z_dim=256, norm_G="spectralspadesyncbatch3x3", norm_D="spectralinstance", norm_E="spectralinstance",
    netD="multiscale", netD_subarch="n_layer", num_D=2, n_layers_D=4, no_ganFeat_loss=False)

SD = StateDict | StateDictView


def option(opts: Mapping[str, Any], key: str):
    """An official option (its default when absent), type-checked; network choices we lack raise."""
    value = typed_option(opts, key, OFFICIAL_DEFAULTS)
    supported = {"netG": ("spade",), "netD": ("multiscale",), "netD_subarch": ("n_layer",)}
    if key in supported and value not in supported[key]:
        raise ConversionError(f"official {key}={value!r} is not supported; expected one of {supported[key]}")
    return value


def semantic_nc(opts: Mapping[str, Any]) -> int:
    """Channels of the generator input: one-hot labels (+ dontcare) + the instance edge map."""
    return (option(opts, "label_nc") + option(opts, "contain_dontcare_label")
            + (0 if option(opts, "no_instance") else 1))


def _built(net: keras.Model, *inputs: np.ndarray) -> keras.Model:
    """Creates the variables (our layers infer input channels on the first call)."""
    net(*inputs, training=False)
    return net


def build_generator_from_official(opts: Mapping[str, Any], name: str | None = None) -> SPADEGenerator:
    """netG = SPADEGenerator(opt)."""
    option(opts, "netG")
    use_vae = option(opts, "use_vae")
    gen = SPADEGenerator(ngf=option(opts, "ngf"), crop_size=option(opts, "crop_size"),
                         aspect_ratio=option(opts, "aspect_ratio"),
                         num_upsampling_layers=option(opts, "num_upsampling_layers"), use_vae=use_vae,
                         z_dim=option(opts, "z_dim"), output_nc=3,  # the official conv_img is fixed at 3
                         name=name, **parse_spade_norm(option(opts, "norm_G")))
    z = np.zeros((1, gen.z_dim), np.float32) if use_vae else None
    return _built(gen, np.zeros((1, 8, 8, semantic_nc(opts)), np.float32), z)


def build_encoder_from_official(opts: Mapping[str, Any], name: str | None = None) -> ConvEncoder:
    """netE = ConvEncoder(opt): width ngf, norm_E; its linear layers fit a 4x4 grid, which needs
    the sixth conv the official code only creates for crop_size >= 256."""
    if option(opts, "crop_size") < 256:
        raise ConversionError("the official ConvEncoder only fits crop_size >= 256 (fc_mu expects a 4x4 grid)")
    enc = ConvEncoder(ngf=option(opts, "ngf"), name=name, **parse_norm(option(opts, "norm_E")))
    return _built(enc, np.zeros((1, 8, 8, 3), np.float32))


def build_discriminator_from_official(opts: Mapping[str, Any], name: str | None = None) -> MultiscaleDiscriminator:
    """netD = MultiscaleDiscriminator(opt) of num_D NLayerDiscriminators (n_layers_D, norm_D, ndf)."""
    option(opts, "netD")
    option(opts, "netD_subarch")
    if option(opts, "n_layers_D") < 1:
        raise ConversionError("official n_layers_D must be >= 1")
    disc = spade_discriminator(ndf=option(opts, "ndf"), n_layers_D=option(opts, "n_layers_D"),
                               num_D=option(opts, "num_D"), get_interm_feat=not option(opts, "no_ganFeat_loss"),
                               name=name, **parse_norm(option(opts, "norm_D")))
    channels = semantic_nc(opts) + option(opts, "output_nc")
    return _built(disc, np.zeros((1, 32, 32, channels), np.float32))


def load_spade(spade: SPADE, sd: SD) -> None:
    """`param_free_norm` (running stats of a batch norm; nothing for instance norm), `mlp_shared.0`,
    `mlp_gamma`, `mlp_beta`."""
    if spade.norm_kind != "instance":
        load_norm(spade.norm, sd.sub("param_free_norm"))
    load_conv_block(spade.shared, sd.sub("mlp_shared.0"))
    load_conv_block(spade.gamma, sd.sub("mlp_gamma"))
    load_conv_block(spade.beta, sd.sub("mlp_beta"))


def load_spade_block(block: SPADEResnetBlock, sd: SD) -> None:
    """`norm_0`, `conv_0`, `norm_1`, `conv_1` (+ `norm_s`, `conv_s` with a learned shortcut)."""
    names = ["0", "1"] + (["s"] if block.learned_shortcut else [])
    for n in names:
        load_spade(getattr(block, f"norm_{n}"), sd.sub(f"norm_{n}"))
        load_conv_block(getattr(block, f"conv_{n}"), sd.sub(f"conv_{n}"))


def load_generator(gen: SPADEGenerator, sd: SD) -> None:
    """`fc` (Linear with use_vae, else Conv2d), the blocks under their official names, `conv_img`."""
    if isinstance(gen.fc, ConvBlock):
        load_conv_block(gen.fc, sd.sub("fc"))
    else:
        load_dense(gen.fc, sd.sub("fc"))
    for block in gen.blocks:
        load_spade_block(block, sd.sub(block.name))
    load_conv_block(gen.conv_img, sd.sub("conv_img"))


def _normed_conv(block: ConvBlock, sd: SD) -> None:
    """get_nonspade_norm_layer's module: Sequential(conv, norm) with a norm, else the bare conv."""
    if block.norm is None:
        load_conv_block(block, sd)
    else:
        load_conv_block(block, sd.sub("0"), sd.sub("1"))


def load_encoder(enc: ConvEncoder, sd: SD) -> None:
    """`layer1`..`layer6` (norm_E modules), `fc_mu`, `fc_var`."""
    for block in enc.blocks:
        _normed_conv(block, sd.sub(block.name))
    load_dense(enc.fc_mu, sd.sub("fc_mu"))
    load_dense(enc.fc_var, sd.sub("fc_var"))


def load_discriminator(disc: MultiscaleDiscriminator, sd: SD) -> None:
    """Our scale k is `discriminator_k` (full resolution first); its block j is `model<j>`:
    Sequential(conv, lrelu) with the middle convs wrapped by norm_D."""
    for k, scale in enumerate(disc.scales):
        last = len(scale.blocks) - 1
        for j, block in enumerate(scale.blocks):
            module = sd.sub(f"discriminator_{k}.model{j}.0")
            if 0 < j < last:
                _normed_conv(block, module)
            else:
                load_conv_block(block, module)
