"""Official HsinYingLee/DRIT checkpoints -> our DRIT networks.

The official trainer's options (input_dim_a/b, dis_scale, dis_norm, dis_spectral_norm, concat) pick
the networks; the widths the official code hard-codes (64 and 256) are our `dim` and `mlp_dim`
(content width = 4 * dim). A checkpoint (DRIT.save) maps the roles below to state_dicts, plus
optimiser states, 'ep' and 'total_it', which are not network weights and are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.drit_blocks import (SD, load_attribute_encoder, load_attribute_encoder_vae, load_concat_decoder,
                                        load_content_encoder, load_ins_res_block, load_mis_ins_decoder,
                                        load_patch_discriminator)
from tf_i2i.convert.option_checks import bool_option, choice_option, int_option, required
from tf_i2i.convert.roles import RoleTable
from tf_i2i.models.drit.networks import (DritAttributeEncoder, DritAttributeEncoderVAE, DritContentEncoder,
                                         DritGenerator, DritGeneratorConcat, content_discriminator,
                                         domain_discriminator)
from tf_i2i.nets.drit_blocks import DomainDiscriminator

NZ = 8  # DRIT.nz, hard-coded
DIS_NORMS = ("None", "Instance")  # both build the same networks (the official norm test never matches)
OPTION_KEYS = ("input_dim_a", "input_dim_b", "dis_scale", "dis_norm", "dis_spectral_norm", "concat")
BUILD_SIZE = 64  # large enough for every reflection pad of the encoders and single-scale Dis


@dataclass(frozen=True)
class DritOptions:
    """The official options that shape the networks, plus our width arguments."""

    input_dim_a: int = 3
    input_dim_b: int = 3
    dis_scale: int = 3
    dis_norm: str = "None"
    dis_spectral_norm: bool = False
    concat: int = 1
    dim: int = 64
    mlp_dim: int = 256

    def input_dim(self, domain: str) -> int:
        return self.input_dim_a if domain == "a" else self.input_dim_b


def drit_options(opts: Mapping[str, Any], dim: int = 64, mlp_dim: int = 256) -> DritOptions:
    """Checks the official options (all of OPTION_KEYS are required: the trainer reads each) and widths.
    dis_scale <= 1 builds the single-scale Dis; concat 0 the feature-wise generator."""
    opts = required(opts, OPTION_KEYS, "DRIT")
    return DritOptions(int_option(opts["input_dim_a"], "official input_dim_a"),
                       int_option(opts["input_dim_b"], "official input_dim_b"),
                       int_option(opts["dis_scale"], "official dis_scale", minimum=-2 ** 31),
                       choice_option(opts["dis_norm"], "official dis_norm", DIS_NORMS),
                       bool_option(opts["dis_spectral_norm"], "official dis_spectral_norm"),
                       int_option(opts["concat"], "official concat", minimum=0),
                       int_option(dim, "dim"), int_option(mlp_dim, "mlp_dim"))


def _images(o: DritOptions, size: int = BUILD_SIZE) -> tuple[np.ndarray, np.ndarray]:
    return tuple(np.zeros((1, size, size, o.input_dim(d)), np.float32) for d in "ab")


def _build_content_encoder(o: DritOptions, name: str | None) -> DritContentEncoder:
    enc = DritContentEncoder(o.dim, name=name)
    enc(*_images(o), training=False)
    return enc


def _build_attribute_encoder(o: DritOptions, name: str | None) -> keras.Model:
    enc = (DritAttributeEncoderVAE if o.concat else DritAttributeEncoder)(o.dim, NZ, name=name)
    enc(*_images(o), training=False)
    return enc


def _build_generator(o: DritOptions, name: str | None) -> keras.Model:
    channels = 4 * o.dim
    if o.concat:
        gen = DritGeneratorConcat(o.input_dim_a, o.input_dim_b, channels, NZ, name=name)
    else:
        gen = DritGenerator(o.input_dim_a, o.input_dim_b, channels, o.mlp_dim, name=name)
    c = np.zeros((1, 4, 4, channels), np.float32)
    z = np.zeros((1, NZ), np.float32)
    gen(c, z, c, z, training=False)
    return gen


def _build_content_discriminator(o: DritOptions, name: str | None) -> keras.Model:
    disc = content_discriminator(4 * o.dim, name=name)
    disc.build((None, None, None, 4 * o.dim))
    return disc


def _domain_discriminator_builder(domain: str) -> Callable[[DritOptions, str | None], DomainDiscriminator]:
    def build(o: DritOptions, name: str | None) -> DomainDiscriminator:
        disc = domain_discriminator(o.dis_scale, o.dim, o.dis_spectral_norm, name=name)
        disc.build((None, None, None, o.input_dim(domain)))
        return disc
    return build


def _load_content_encoder(enc: DritContentEncoder, sd: SD) -> None:
    """[E_content] `convA`, `convB`, the shared `conv_share.0` (INSResBlock; .1 is the noise)."""
    load_content_encoder(enc.enc_a, sd.sub("convA"))
    load_content_encoder(enc.enc_b, sd.sub("convB"))
    load_ins_res_block(enc.share, sd.sub("conv_share.0"))


def _load_attribute_encoder(enc: keras.Model, sd: SD) -> None:
    """[E_attr_concat] conv_X / fc_X / fcVar_X, or [E_attr] model_x, for X = A, B."""
    for d in "ab":
        if isinstance(enc, DritAttributeEncoderVAE):
            up = d.upper()
            load_attribute_encoder_vae(enc.domain_net(d), sd.sub(f"conv_{up}"), sd.sub(f"fc_{up}"),
                                       sd.sub(f"fcVar_{up}"))
        else:
            load_attribute_encoder(enc.domain_net(d), sd.sub(f"model_{d}"))


def _load_generator(gen: keras.Model, sd: SD) -> None:
    """[G_concat] `dec_share.0` + decX1..decX4, or [G] decX1..decX5 + mlpX, for X = A, B."""
    if isinstance(gen, DritGeneratorConcat):
        load_ins_res_block(gen.share, sd.sub("dec_share.0"))
    for d in "ab":
        up = d.upper()
        if isinstance(gen, DritGeneratorConcat):
            load_concat_decoder(gen.domain_net(d), sd, f"dec{up}")
        else:
            load_mis_ins_decoder(gen.domain_net(d), sd, f"dec{up}", f"mlp{up}")


def _load_domain_discriminator(disc: DomainDiscriminator, sd: SD) -> None:
    """[MultiScaleDis] `Diss.<k>` per scale, or [Dis] (dis_scale <= 1) `model`."""
    if disc.n_scales == 1 and disc.n_layers == 6:
        load_patch_discriminator(disc.scales[0], sd.sub("model"))
        return
    for k, scale in enumerate(disc.scales):
        load_patch_discriminator(scale, sd.sub(f"Diss.{k}"))


def _load_content_discriminator(disc: keras.Model, sd: SD) -> None:
    load_patch_discriminator(disc, sd.sub("model"))


_dis_a, _dis_b = _domain_discriminator_builder("a"), _domain_discriminator_builder("b")
# official DRIT attribute -> (build from options, load a state_dict)
ROLES = RoleTable[DritOptions]("DRIT", {
    "enc_c": (_build_content_encoder, _load_content_encoder),
    "enc_a": (_build_attribute_encoder, _load_attribute_encoder),
    "gen": (_build_generator, _load_generator),
    "disContent": (_build_content_discriminator, _load_content_discriminator),
    "disA": (_dis_a, _load_domain_discriminator),
    "disA2": (_dis_a, _load_domain_discriminator),
    "disB": (_dis_b, _load_domain_discriminator),
    "disB2": (_dis_b, _load_domain_discriminator),
})
build_role, load_role = ROLES.build, ROLES.load
convert_checkpoint = ROLES.convert_checkpoint
