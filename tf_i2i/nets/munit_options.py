"""MUNIT/UNIT option strings (norm, activ, pad_type of the official configs) -> our ConvBlock arguments."""

from __future__ import annotations

from tf_i2i.errors import ConfigError
from tf_i2i.layers.activations import ACTIVATIONS
from tf_i2i.layers.padding import PAD_MODES

# Official Conv2dBlock norm -> (our norm kind, spectral norm on the conv: MUNIT's own wrapper, which
# updates u, v on every call). 'adain' is not here: the blocks that take a style (nets.munit_decoder) handle it.
MUNIT_NORMS = {"none": ("none", False), "bn": ("batch", False), "in": ("instance", False),
               "ln": ("layer", False), "sn": ("none", True)}
MUNIT_ACTIVATIONS = ("relu", "lrelu", "prelu", "selu", "tanh", "none")


def conv_block_options(norm: str, activ: str, pad_type: str) -> dict:
    """ConvBlock keyword arguments of an official Conv2dBlock(norm, activation, pad_type)."""
    if norm not in MUNIT_NORMS:
        raise ConfigError(f"unknown MUNIT norm {norm!r}; expected one of {sorted(MUNIT_NORMS)} (or 'adain' in a decoder)")
    if activ not in MUNIT_ACTIVATIONS or activ not in ACTIVATIONS:
        raise ConfigError(f"unknown MUNIT activation {activ!r}; expected one of {MUNIT_ACTIVATIONS}")
    if pad_type not in PAD_MODES:
        raise ConfigError(f"unknown pad_type {pad_type!r}; expected one of {PAD_MODES}")
    kind, spectral = MUNIT_NORMS[norm]
    return {"norm": kind, "spectral_norm": spectral, "spectral_norm_variant": "munit", "activation": activ,
            "pad_mode": pad_type}
