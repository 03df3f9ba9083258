"""Official mingyuliutw/UNIT (2018 release, MUNIT-style code) VAEGen -> our VAEGenerator: a content
encoder `enc` (the latent mean) and a decoder `dec` with instance-norm residual blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tf_i2i.convert.munit import (SD, UNIT_GEN_KEYS, built, input_dim_option, load_content_encoder, load_decoder,
                                  official_options)
from tf_i2i.models.unit.networks import VAEGenerator


def build_unit_generator_from_official(input_dim: int, gen_opts: Mapping[str, Any],
                                       name: str | None = None) -> VAEGenerator:
    """VAEGen(input_dim, hyperparameters['gen']); the official release shares no layers between domains."""
    o = official_options(gen_opts, UNIT_GEN_KEYS, "gen")
    gen = VAEGenerator(input_dim=input_dim_option(input_dim), name=name, **o)
    return built(gen, input_dim, 2 ** max(2, o["n_downsample"] + 1))


def load_unit_generator(gen: VAEGenerator, sd: SD) -> None:
    """`enc` and `dec` (VAEGen has no other parameters: the latent std is fixed to 1)."""
    load_content_encoder(gen.enc, sd.sub("enc"))
    load_decoder(gen.dec, sd.sub("dec"))
