"""Official HsinYingLee/MDMM (multi-domain DRIT++) checkpoints -> our tf_i2i.models.drit_md networks.

The trainer's options (num_domains, input_dim, crop_size, dis_norm, dis_spectral_norm, concat) pick
the networks as MD_multi does; the widths the official code hard-codes (64 and 256) are our `dim`
and `mlp_dim` (content width = 4 * dim). A checkpoint (MD_multi.save) maps the roles below to
state_dicts, plus optimiser states, 'ep' and 'total_it', which are not network weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.drit import DIS_NORMS
from tf_i2i.convert.drit_blocks import (SD, load_attribute_encoder, load_attribute_encoder_vae, load_concat_decoder,
                                        load_content_encoder, load_drit_conv, load_ins_res_block, load_leaky_conv,
                                        load_mis_ins_decoder, load_patch_discriminator)
from tf_i2i.convert.option_checks import bool_option, choice_option, int_option, required
from tf_i2i.convert.roles import RoleTable
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.models.drit_md.networks import (DIS_LAYERS, NZ, MDAttributeEncoder, MDAttributeEncoderVAE,
                                            MDContentDiscriminator, MDDiscriminator, MDGenerator, MDGeneratorConcat,
                                            content_encoder)

OPTION_KEYS = ("num_domains", "input_dim", "crop_size", "dis_norm", "dis_spectral_norm", "concat")
BUILD_SIZE = 64  # large enough for every reflection pad of the encoders


@dataclass(frozen=True)
class MdmmOptions:
    """The official options that shape the networks (nz: MD_multi's hard-coded 8), plus our widths."""

    num_domains: int = 3
    input_dim: int = 3
    crop_size: int = 216
    dis_norm: str = "None"
    dis_spectral_norm: bool = False
    concat: int = 1
    nz: int = NZ
    dim: int = 64
    mlp_dim: int = 256

    @property
    def channels(self) -> int:
        return 4 * self.dim


def mdmm_options(opts: Mapping[str, Any], dim: int = 64, mlp_dim: int = 256) -> MdmmOptions:
    """Checks the official options (all of OPTION_KEYS are required: MD_multi reads each; `nz` is
    optional, 8 as hard-coded) and our widths. As MD_multi, concat == 1 is the concat variant and
    any other integer the feature-wise one."""
    opts = required(opts, OPTION_KEYS, "MDMM")
    concat = opts["concat"]
    if isinstance(concat, bool) or not isinstance(concat, (int, np.integer)):
        raise ConversionError(f"official concat={concat!r} must be an integer (1: concat networks, else feature-wise)")
    return MdmmOptions(
        num_domains=int_option(opts["num_domains"], "official num_domains"),
        input_dim=int_option(opts["input_dim"], "official input_dim"),
        # MD_Dis's classification kernel is int(crop_size / 64): 0 (no network) below 64.
        crop_size=int_option(opts["crop_size"], "official crop_size", 2 ** DIS_LAYERS),
        dis_norm=choice_option(opts["dis_norm"], "official dis_norm", DIS_NORMS),
        dis_spectral_norm=bool_option(opts["dis_spectral_norm"], "official dis_spectral_norm"),
        concat=1 if concat == 1 else 0,
        nz=int_option(opts.get("nz", NZ), "official nz"),
        dim=int_option(dim, "dim"), mlp_dim=int_option(mlp_dim, "mlp_dim"))


def _zeros(*shape: int) -> np.ndarray:
    return np.zeros(shape, np.float32)


def _build_content_encoder(o: MdmmOptions, name: str | None) -> keras.Model:
    enc = content_encoder(o.dim, name=name)
    enc(_zeros(1, BUILD_SIZE, BUILD_SIZE, o.input_dim), training=False)
    return enc


def _build_attribute_encoder(o: MdmmOptions, name: str | None) -> keras.Model:
    enc = (MDAttributeEncoderVAE if o.concat else MDAttributeEncoder)(o.dim, o.nz, o.num_domains, name=name)
    enc(_zeros(1, BUILD_SIZE, BUILD_SIZE, o.input_dim), _zeros(1, o.num_domains), training=False)
    return enc


def _build_generator(o: MdmmOptions, name: str | None) -> keras.Model:
    if o.concat:
        gen = MDGeneratorConcat(o.input_dim, o.channels, o.nz, o.num_domains, name=name)
    else:
        gen = MDGenerator(o.input_dim, o.channels, o.nz, o.num_domains, o.mlp_dim, name=name)
    gen(_zeros(1, 4, 4, o.channels), _zeros(1, o.nz), _zeros(1, o.num_domains), training=False)
    return gen


def _build_discriminator(o: MdmmOptions, name: str | None) -> keras.Model:
    disc = MDDiscriminator(o.dim, o.num_domains, o.crop_size, o.dis_spectral_norm, name=name)
    disc.build((None, None, None, o.input_dim))
    return disc


def _build_content_discriminator(o: MdmmOptions, name: str | None) -> keras.Model:
    disc = MDContentDiscriminator(o.channels, o.num_domains, name=name)
    disc.build((None, None, None, o.channels))
    return disc


def _load_content_encoder(enc: keras.Model, sd: SD) -> None:
    """[MD_E_content] `conv.<i>`: LeakyReLUConv2d, 2 ReLUINSConv2d, 4 INSResBlocks, the noise (no parameters)."""
    load_content_encoder(enc, sd.sub("conv"))


def _load_attribute_encoder(enc: keras.Model, sd: SD) -> None:
    """[MD_E_attr_concat] `conv`, `fc`, `fcVar`; [MD_E_attr] `model` (single-domain layouts)."""
    if isinstance(enc, MDAttributeEncoderVAE):
        load_attribute_encoder_vae(enc.net, sd.sub("conv"), sd.sub("fc"), sd.sub("fcVar"))
    else:
        load_attribute_encoder(enc.net, sd.sub("model"))


def _load_generator(gen: keras.Model, sd: SD) -> None:
    """[MD_G_multi_concat] `dec_share.0`, dec1..dec4; [MD_G_multi] dec1..dec4, `decA5`, `mlp`."""
    if isinstance(gen, MDGeneratorConcat):
        load_ins_res_block(gen.share, sd.sub("dec_share.0"))
        load_concat_decoder(gen.dec, sd, "dec")
    else:
        load_mis_ins_decoder(gen.dec, sd, "dec", "mlp", tail="decA5")


def _load_discriminator(disc: MDDiscriminator, sd: SD) -> None:
    """[MD_Dis] LeakyReLUConv2d blocks `model.<j>`, bias-free heads `conv1` (patch) and `conv2` (domains)."""
    for j, block in enumerate(disc.blocks):
        load_leaky_conv(block, sd.sub(f"model.{j}"))
    load_drit_conv(disc.logits, sd.sub("conv1"))
    load_drit_conv(disc.classifier, sd.sub("conv2"))


def _load_content_discriminator(disc: keras.Model, sd: SD) -> None:
    load_patch_discriminator(disc, sd.sub("model"))


# official MD_multi attribute -> (build from options, load a state_dict)
ROLES: RoleTable[MdmmOptions] = RoleTable("MDMM", {
    "enc_c": (_build_content_encoder, _load_content_encoder),
    "enc_a": (_build_attribute_encoder, _load_attribute_encoder),
    "gen": (_build_generator, _load_generator),
    "dis1": (_build_discriminator, _load_discriminator),
    "dis2": (_build_discriminator, _load_discriminator),
    "disContent": (_build_content_discriminator, _load_content_discriminator),
})
build_role, load_role = ROLES.build, ROLES.load
convert_checkpoint = ROLES.convert_checkpoint  # an MD_multi.save checkpoint
