"""Fixture handler for junyanz/pytorch-CycleGAN-and-pix2pix (config.json model 'cyclegan_pix2pix').

Each role of `official_options` is one generator or discriminator, fed `in/<role>_x`. Its outputs:
`out/<role>` (eval forward), `out/<role>_feat/<official module path>` (per-module outputs of a
discriminator) and `out/<role>_bn_batchstats` (BatchNorm on batch statistics, dropout off: what
the official test.py computes without --eval).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.cyclegan_pix2pix import (build_discriminator_from_official,
                                             build_generator_from_official,
                                             discriminator_feature_modules, load_discriminator,
                                             load_generator, network_kind)
from tf_i2i.convert.fixture import Fixture, FixtureError, Result

FORWARD, BATCHSTATS, FEATURE = "forward", "bn_batchstats", "feat"


def _nchw(y) -> np.ndarray:
    return np.transpose(np.asarray(y), (0, 3, 1, 2))


def _parse_out_key(key: str, roles: Iterable[str]) -> tuple[str, str, str]:
    """(role, FORWARD | BATCHSTATS | FEATURE, official module path for FEATURE else '')."""
    name = key[len("out/"):]
    if name in roles:
        return name, FORWARD, ""
    for role in roles:
        if name == f"{role}_{BATCHSTATS}":
            return role, BATCHSTATS, ""
        if name.startswith(f"{role}_{FEATURE}/"):
            return role, FEATURE, name[len(f"{role}_{FEATURE}/"):]
    raise FixtureError(f"no mapping for {key}: it names no role of official_options {sorted(roles)} "
                       f"as <role>, <role>_{BATCHSTATS} or <role>_{FEATURE}/<module>")


def _load_role(fixture: Fixture, role: str, opts: Mapping[str, Any]) -> keras.Model:
    """Builds our network from the role's official options and loads every official parameter."""
    sd = fixture.state_dict(role)
    if network_kind(opts) == "generator":
        net = build_generator_from_official(opts, name=role)
        load_generator(net, sd)
    else:
        net = build_discriminator_from_official(opts, name=role)
        load_discriminator(net, sd)
    sd.check_all_used()
    return net


def _batch_statistics_forward(net: keras.Model, x: np.ndarray) -> np.ndarray:
    """Forward with BatchNorm in training mode (batch statistics) but dropout off. Keras updates the
    moving statistics in a training call, so the weights are restored afterwards."""
    saved = net.get_weights()
    # Keras has no public recursive layer walk; Dropout layers sit inside ResnetBlocks too.
    dropouts = [layer for layer in net._flatten_layers(include_self=False)
                if isinstance(layer, keras.layers.Dropout)]
    rates = [d.rate for d in dropouts]
    for d in dropouts:
        d.rate = 0.0
    try:
        return np.asarray(net(x, training=True))
    finally:
        for d, rate in zip(dropouts, rates):
            d.rate = rate
        net.set_weights(saved)


def _features(disc: keras.Model, x: np.ndarray) -> dict[str, np.ndarray]:
    """Our output for every official module path of a discriminator, via each block's stages."""
    out = {}
    for block, modules in zip(disc.blocks, discriminator_feature_modules(disc)):
        stages = block.stages(x, training=False)
        for path, stage in modules:
            out[path] = _nchw(dict(stages)[stage])
        x = stages[-1][1]
    return out


def check(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of the fixture (raises FixtureError for a key it cannot map)."""
    roles = fixture.config.get("official_options")
    if not isinstance(roles, dict) or not roles:
        raise FixtureError(f"{fixture.name}: config.json has no official_options per role")
    wanted: dict[str, list[tuple[str, str, str]]] = {role: [] for role in roles}
    for key in fixture.out_keys():
        role, variant, path = _parse_out_key(key, roles)
        wanted[role].append((key, variant, path))
    results: dict[str, Result] = {}
    for role, opts in roles.items():
        net = _load_role(fixture, role, opts)
        x = fixture.input_nhwc(f"{role}_x")
        feats = None
        for key, variant, path in wanted[role]:
            if variant == FORWARD:
                results[key] = _nchw(net(x, training=False))
            elif variant == BATCHSTATS:
                results[key] = _nchw(_batch_statistics_forward(net, x))
            else:
                if network_kind(opts) != "discriminator":
                    raise FixtureError(f"no mapping for {key}: per-module features are mapped for "
                                       "discriminators only")
                feats = feats if feats is not None else _features(net, x)
                if path not in feats:
                    raise FixtureError(f"no mapping for {key}: official module {path!r} is not one of "
                                       f"{sorted(feats)}")
                results[key] = feats[path]
    return results
