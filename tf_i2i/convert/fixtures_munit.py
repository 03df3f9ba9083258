"""Fixture handlers for NVlabs/MUNIT (config.json model 'munit') and mingyuliutw/UNIT ('unit').

Networks are built from `official_options` (input_dim_a/b, `gen`, `dis`) as the official trainers
build them: gen_<d> and dis_<d> for domain d with input_dim_<d> channels. Outputs are the trainers'
tensors under their official names (MUNIT: c_a, s_a_prime, adain_params_*, x_ab, c_a_recon, ...;
UNIT: h_a, x_ab, x_ab_noisy, ... with in/noise_<d> as the VAE noise) and, for every discriminator
role, `<role>_scale<i>` (logits of scale i) and `<role>_feat/cnns.<i>.<j>` (block j of scale i)
on in/<role>_x. Our generator outputs feed the next step (x_ba -> c_b_recon), as in the trainer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import keras
import numpy as np

from tf_i2i.convert.fixture import Fixture, FixtureError, Result
from tf_i2i.convert.munit import (build_discriminator_from_official, build_munit_generator_from_official,
                                  load_discriminator, load_munit_generator)
from tf_i2i.convert.state_dict import StateDict
from tf_i2i.convert.unit import build_unit_generator_from_official, load_unit_generator

_DIS_KEY = re.compile(r"(dis_[a-z]+)_(?:scale(\d+)|feat/cnns\.(\d+)\.(\d+))")
DOMAINS = ("a", "b")


def _nchw(y) -> np.ndarray:
    """NHWC -> NCHW; vectors [B, N] (AdaIN parameters) stay as they are."""
    y = np.asarray(y)
    return np.transpose(y, (0, 3, 1, 2)) if y.ndim == 4 else y


def _style_map(s) -> np.ndarray:
    """A style code [B, S] as the 1x1 map [B, 1, 1, S] the official [B, S, 1, 1] code is in NHWC."""
    return np.asarray(s)[:, None, None, :]


def _loaded(net: keras.Model, sd: StateDict, load: Callable) -> keras.Model:
    load(net, sd)
    sd.check_all_used()
    return net


def _options(fixture: Fixture) -> dict:
    opts = fixture.config.get("official_options")
    if not isinstance(opts, dict) or "gen" not in opts or "dis" not in opts:
        raise FixtureError(f"{fixture.name}: config.json has no official_options with 'gen' and 'dis'")
    return opts


def _input_dim(opts: Mapping, role: str) -> int:
    key = f"input_dim_{role.rsplit('_', 1)[-1]}"
    if key not in opts:
        raise FixtureError(f"role {role}: official_options has no {key}")
    return opts[key]


def _generators(fixture: Fixture, opts: Mapping, build: Callable, load: Callable) -> dict[str, keras.Model]:
    return {d: _loaded(build(_input_dim(opts, f"gen_{d}"), opts["gen"], name=f"gen_{d}"),
                       fixture.state_dict(f"gen_{d}"), load) for d in DOMAINS}


def _discriminator_results(fixture: Fixture, opts: Mapping, keys: list[str]) -> dict[str, Result]:
    """Every dis role named by an out key, on its in/<role>_x."""
    results: dict[str, Result] = {}
    for role in sorted({_DIS_KEY.fullmatch(k[len("out/"):]).group(1) for k in keys}):
        disc = _loaded(build_discriminator_from_official(_input_dim(opts, role), opts["dis"], name=role),
                       fixture.state_dict(role), load_discriminator)
        feats = disc(fixture.input_nhwc(f"{role}_x"), training=False)
        for key in keys:
            name, scale, i, j = _DIS_KEY.fullmatch(key[len("out/"):]).groups()
            if name != role:
                continue
            i, j = (int(scale), -1) if scale is not None else (int(i), int(j))
            if i >= len(feats) or j >= len(feats[i]):
                raise FixtureError(f"no mapping for {key}: our {role} has {len(feats)} scales of "
                                   f"{len(feats[0])} blocks")
            results[key] = _nchw(feats[i][j])
    return results


def _results(fixture: Fixture, ours: Callable[[], dict[str, np.ndarray]]) -> dict[str, Result]:
    """Our generator outputs by official name plus the discriminators', for every out key."""
    keys = fixture.out_keys()
    dis_keys = [k for k in keys if _DIS_KEY.fullmatch(k[len("out/"):])]
    gen_keys = [k for k in keys if k not in dis_keys]
    results = _discriminator_results(fixture, _options(fixture), dis_keys) if dis_keys else {}
    if gen_keys:
        named = ours()
        unknown = [k for k in gen_keys if k[len("out/"):] not in named]
        if unknown:
            raise FixtureError(f"{fixture.name}: no mapping for out key(s) {unknown}")
        results.update({k: _nchw(named[k[len("out/"):]]) for k in gen_keys})
    return results


def _munit_outputs(fixture: Fixture) -> dict[str, np.ndarray]:
    """MUNIT_Trainer's forward with the fixture's random styles in/s_a, in/s_b."""
    gen = _generators(fixture, _options(fixture), build_munit_generator_from_official, load_munit_generator)
    x = {d: fixture.input_nhwc(f"x_{d}") for d in DOMAINS}
    s_rand = {d: fixture.arrays[f"in/s_{d}"].reshape(x[d].shape[0], -1) for d in DOMAINS}
    out: dict[str, np.ndarray] = {}
    c, s = {}, {}
    for d in DOMAINS:
        c[d], s[d] = gen[d].encode(x[d], training=False)
        out.update({f"c_{d}": c[d], f"s_{d}_prime": _style_map(s[d]), f"x_{d}_recon": gen[d].decode(c[d], s[d], training=False),
                    f"adain_params_{d}_recon": gen[d].mlp(s[d])})
    for src, dst in (("a", "b"), ("b", "a")):  # x_<src><dst>: src content, dst random style
        x_t = gen[dst].decode(c[src], s_rand[dst], training=False)
        c_rec, s_rec = gen[dst].encode(x_t, training=False)
        out.update({f"x_{src}{dst}": x_t, f"adain_params_{src}{dst}": gen[dst].mlp(s_rand[dst]),
                    f"c_{src}_recon": c_rec, f"s_{dst}_recon": _style_map(s_rec)})
    return out


def _unit_outputs(fixture: Fixture) -> dict[str, np.ndarray]:
    """UNIT_Trainer's noiseless (sample) and noisy (gen_update, noise in/noise_<d>) translations."""
    gen = _generators(fixture, _options(fixture), build_unit_generator_from_official, load_unit_generator)
    h = {d: gen[d].encode(fixture.input_nhwc(f"x_{d}"), training=False) for d in DOMAINS}
    noisy = {d: h[d] + fixture.input_nhwc(f"noise_{d}") for d in DOMAINS}
    out: dict[str, np.ndarray] = {f"h_{d}": h[d] for d in DOMAINS}
    for d in DOMAINS:
        out[f"x_{d}_recon"] = gen[d].decode(h[d], training=False)
        out[f"x_{d}_recon_noisy"] = gen[d].decode(noisy[d], training=False)
    for src, dst in (("a", "b"), ("b", "a")):
        out[f"x_{src}{dst}"] = gen[dst].decode(h[src], training=False)
        out[f"x_{src}{dst}_noisy"] = gen[dst].decode(noisy[src], training=False)
    return out


def check_munit(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of a MUNIT fixture."""
    return _results(fixture, lambda: _munit_outputs(fixture))


def check_unit(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of a UNIT fixture."""
    return _results(fixture, lambda: _unit_outputs(fixture))
