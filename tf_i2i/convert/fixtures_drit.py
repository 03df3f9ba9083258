"""Fixture handler for HsinYingLee/DRIT (config.json model 'drit').

Networks are built from `official_options` and the width substitution (W -> dim, M -> mlp_dim).
Roles are official DRIT attributes, some under a variant the config's `classes` documents:
`enc_a_concat` / `gen_concat` (concat=1), `enc_a_plain` / `gen_plain` (concat=0), `<dis>_single`
(dis_scale <= 1, the single-scale Dis, fed the same in/<dis>_x). Outputs follow DRIT.forward with
the fixture's noise (in/eps_*, in/z_random*), and the mode-seeking terms of backward_G_alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from tf_i2i.convert.drit import DritOptions, build_role, drit_options, load_role
from tf_i2i.convert.fixture import Fixture, FixtureError, Result
from tf_i2i.models.drit.losses import mode_seeking_loss, mode_seeking_ratio
from tf_i2i.models.drit.networks import reparameterize

_FEAT = re.compile(r"(dis\w*?)_feat/(?:Diss\.(\d+)\.|model\.)(\d+)")
_SCALE = re.compile(r"(dis\w*?)_scale(\d+)")
_VARIANTS = {"_concat": {"concat": 1}, "_plain": {"concat": 0}, "_single": {"dis_scale": 1}}


def _nchw(y) -> np.ndarray:
    y = np.asarray(y)
    return np.transpose(y, (0, 3, 1, 2)) if y.ndim == 4 else y


def _options(fixture: Fixture) -> DritOptions:
    opts = dict(fixture.config.get("official_options") or {})
    if not opts:
        raise FixtureError(f"{fixture.name}: config.json has no official_options")
    opts.setdefault("concat", 1)
    if not isinstance(opts["concat"], int):  # a description: both variants are fixtured, chosen per role
        opts["concat"] = 1
    widths = fixture.config.get("width_substitution") or {}
    return drit_options(opts, dim=widths.get("W", 64), mlp_dim=widths.get("M", 256))


def _official_role(role: str, o: DritOptions) -> tuple[str, DritOptions]:
    """A fixture role -> (official DRIT role, options of its variant)."""
    for suffix, changes in _VARIANTS.items():
        if role.endswith(suffix):
            return role[: -len(suffix)], replace(o, **changes)
    return role, o


class _Nets:
    """Our networks per fixture role, built and loaded on first use."""

    def __init__(self, fixture: Fixture):
        self.fixture, self.options, self.nets = fixture, _options(fixture), {}

    def __getitem__(self, role: str):
        if role not in self.nets:
            official, o = _official_role(role, self.options)
            self.nets[role] = load_role(official, build_role(official, o, name=role), self.fixture.state_dict(role))
        return self.nets[role]


def _translations(fixture: Fixture, nets: _Nets) -> dict[str, np.ndarray]:
    """DRIT.forward's encodings and translations (concat=1) and the concat=0 variant's."""
    x_a, x_b = fixture.input_nhwc("x_a"), fixture.input_nhwc("x_b")
    vec = lambda k: fixture.arrays[f"in/{k}"].astype(np.float32)  # noqa: E731
    z1, z2 = vec("z_random"), vec("z_random2")
    enc_c, enc_a, gen = nets["enc_c"], nets["enc_a_concat"], nets["gen_concat"]
    c_a, c_b = enc_c(x_a, x_b, training=False)
    mu_a, logvar_a, mu_b, logvar_b = enc_a(x_a, x_b, training=False)
    z_a, z_b = reparameterize(mu_a, logvar_a, vec("eps_a")), reparameterize(mu_b, logvar_b, vec("eps_b"))
    dec = lambda g, c, z, d: g.decode(c, z, d, training=False)  # noqa: E731
    out = {"enc_c_convA": enc_c.enc_a(x_a, training=False), "enc_c_convB": enc_c.enc_b(x_b, training=False),
           "z_content_a": c_a, "z_content_b": c_b, "mu_a": mu_a, "logvar_a": logvar_a, "mu_b": mu_b,
           "logvar_b": logvar_b, "z_attr_a": z_a, "z_attr_b": z_b,
           "fake_A_encoded": dec(gen, c_b, z_a, "a"), "fake_B_encoded": dec(gen, c_a, z_b, "b"),
           "fake_AA_encoded": dec(gen, c_a, z_a, "a"), "fake_BB_encoded": dec(gen, c_b, z_b, "b"),
           "fake_A_random": dec(gen, c_b, z1, "a"), "fake_A_random2": dec(gen, c_b, z2, "a"),
           "fake_B_random": dec(gen, c_a, z1, "b"), "fake_B_random2": dec(gen, c_a, z2, "b")}
    for name, d in (("AB", "B"), ("BA", "A")):
        pair = (out[f"fake_{d}_random"], out[f"fake_{d}_random2"], z1, z2)
        out[f"ms_lz_{name}"], out[f"ms_loss_lz_{name}"] = mode_seeking_ratio(*pair), mode_seeking_loss(*pair)
    plain_a, plain_b = nets["enc_a_plain"](x_a, x_b, training=False)
    gen_plain = nets["gen_plain"]
    out.update({"z_attr_plain_a": plain_a, "z_attr_plain_b": plain_b,
                "fake_A_plain": dec(gen_plain, c_b, plain_a, "a"), "fake_B_plain": dec(gen_plain, c_a, plain_b, "b"),
                "fake_B_plain_random": dec(gen_plain, c_a, z1, "b"), "gen_plain_mlpB": gen_plain.dec_b.codes(z1)})
    return out


def _discriminator_outputs(fixture: Fixture, nets: _Nets, keys: list[str]) -> dict[str, np.ndarray]:
    """Per-layer features and logits of every discriminator role named by an out key."""
    out: dict[str, np.ndarray] = {}
    feats: dict[str, list[list]] = {}

    def features(role: str) -> list[list]:
        if role not in feats:
            if role == "disContent":
                feats[role] = [nets[role].features(fixture.input_nhwc("dis_content_x"), training=False)]
            else:
                official = _official_role(role, nets.options)[0]
                feats[role] = nets[role](fixture.input_nhwc(f"{official}_x"), training=False)
        return feats[role]

    for key in keys:
        name = key[len("out/"):]
        if name == "disContent":
            out[key] = np.asarray(features(name)[0][-1]).reshape(-1)
        elif m := _FEAT.fullmatch(name):
            role, scale, j = m.group(1), int(m.group(2) or 0), int(m.group(3))
            out[key] = _nchw(_pick(features(role), scale, j, key))
        elif m := _SCALE.fullmatch(name):
            role, scale = m.group(1), int(m.group(2))
            logits = _nchw(_pick(features(role), scale, -1, key))
            single = _official_role(role, nets.options)[1].dis_scale <= 1  # Dis flattens its logits
            out[key] = logits.reshape(-1) if single else logits
    return out


def _pick(feats: list[list], scale: int, j: int, key: str):
    if scale >= len(feats) or j >= len(feats[scale]):
        raise FixtureError(f"no mapping for {key}: our network has {len(feats)} scales of {len(feats[0])} blocks")
    return feats[scale][j]


def check(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of a DRIT fixture (unknown keys are left for the caller to report)."""
    nets = _Nets(fixture)
    keys = fixture.out_keys()
    dis_keys = [k for k in keys if k[len("out/"):].startswith("dis")]
    results: dict[str, Result] = dict(_discriminator_outputs(fixture, nets, dis_keys))
    if len(dis_keys) < len(keys):
        named = _translations(fixture, nets)
        results.update({k: _nchw(named[k[len("out/"):]]) for k in keys
                        if k not in dis_keys and k[len("out/"):] in named})
    return results
