"""Fixture handler for NVlabs/SPADE (config.json model 'SPADE').

Networks are built from the flat official `options`. Outputs: `out/edge_map` (get_edges of
in/instance), `out/netG` and `out/netG_noVAE` (+ `/fc_out`, `/conv_img_out`) on
in/input_semantics (and in/z with use_vae), `out/netE_mu` / `out/netE_logvar` on in/image, and
`out/D/scale<i>/layer<j>` (netD(in/netD_input) list entry i, layer j). netG_noVAE is the generator
built without use_vae; its weights are netG's except those stored under netG_noVAE/.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from tf_i2i.convert.fixture import Fixture, FixtureError, Result
from tf_i2i.convert.spade import (build_discriminator_from_official, build_encoder_from_official,
                                  build_generator_from_official, load_discriminator, load_encoder,
                                  load_generator)
from tf_i2i.convert.state_dict import StateDict
from tf_i2i.layers import InstanceBoundary

# Generator roles -> use_vae override (None: the options' own).
GENERATOR_ROLES = {"netG": None, "netG_noVAE": False}
_DISC_KEY = re.compile(r"D/scale(\d+)/layer(\d+)")
_GEN_KEY = re.compile(r"(netG\w*?)(?:/(fc_out|conv_img_out))?")


def _nchw(y) -> np.ndarray:
    return np.transpose(np.asarray(y), (0, 3, 1, 2))


def _loaded(net: keras.Model, sd: StateDict, load) -> keras.Model:
    load(net, sd)
    sd.check_all_used()
    return net


def _generator_weights(fixture: Fixture, role: str) -> StateDict:
    """netG's state_dict, with a variant role's own keys (e.g. netG_noVAE's fc) replacing netG's."""
    arrays = dict(fixture.state_dict("netG").arrays)
    if role != "netG":
        arrays.update(fixture.state_dict(role).arrays)
    return StateDict(arrays, source=f"{fixture.name}/{role}")


def _generator_results(fixture: Fixture, opts: dict, keys: list[str]) -> dict[str, Result]:
    by_role: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        role, part = _GEN_KEY.fullmatch(key[len("out/"):]).groups()
        if role not in GENERATOR_ROLES:
            raise FixtureError(f"no mapping for {key}: unknown generator role {role!r}")
        by_role.setdefault(role, []).append((key, part or "output"))
    results: dict[str, Result] = {}
    for role, wanted in by_role.items():
        gen = _loaded(build_generator_from_official(opts, name=role, use_vae=GENERATOR_ROLES[role]),
                      _generator_weights(fixture, role), load_generator)
        z = fixture.arrays["in/z"] if gen.use_vae else None
        inter = gen.intermediates(fixture.input_nhwc("input_semantics"), z, training=False)
        results.update({key: _nchw(inter[part]) for key, part in wanted})
    return results


def _discriminator_results(fixture: Fixture, opts: dict, keys: list[str]) -> dict[str, Result]:
    disc = _loaded(build_discriminator_from_official(opts, name="netD"), fixture.state_dict("netD"),
                   load_discriminator)
    feats = disc(fixture.input_nhwc("netD_input"), training=False)
    results: dict[str, Result] = {}
    for key in keys:
        i, j = (int(n) for n in _DISC_KEY.fullmatch(key[len("out/"):]).groups())
        if i >= len(feats) or j >= len(feats[i]):
            raise FixtureError(f"no mapping for {key}: our netD has {len(feats)} scales of {len(feats[0])} outputs")
        results[key] = _nchw(feats[i][j])
    return results


def check(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of the fixture (raises FixtureError for a key it cannot map)."""
    opts = fixture.config.get("options")
    if not isinstance(opts, dict):
        raise FixtureError(f"{fixture.name}: config.json has no official option namespace 'options'")
    keys = fixture.out_keys()
    results: dict[str, Result] = {}
    if "out/edge_map" in keys:
        ids = np.rint(fixture.input_nhwc("instance")).astype(np.int32)
        results["out/edge_map"] = _nchw(InstanceBoundary()(ids))
    if {"out/netE_mu", "out/netE_logvar"} & set(keys):
        enc = _loaded(build_encoder_from_official(opts, name="netE"), fixture.state_dict("netE"), load_encoder)
        mu, logvar = enc(fixture.input_nhwc("image"), training=False)
        results.update({"out/netE_mu": np.asarray(mu), "out/netE_logvar": np.asarray(logvar)})
    gen_keys = [k for k in keys if _GEN_KEY.fullmatch(k[len("out/"):])]
    if gen_keys:
        results.update(_generator_results(fixture, opts, gen_keys))
    disc_keys = [k for k in keys if _DISC_KEY.fullmatch(k[len("out/"):])]
    if disc_keys:
        results.update(_discriminator_results(fixture, opts, disc_keys))
    return results
