"""Fixture handler for HsinYingLee/MDMM (config.json model 'mdmm').

Each fixture role is built from `official_options` and the width substitution (W -> dim,
M -> mlp_dim) as MD_multi builds the official class config.json `classes` names for it, so role
names are free: MD_E_content, MD_E_attr_concat / MD_E_attr (concat 1 / 0), MD_G_multi_concat /
MD_G_multi, MD_Dis, MD_Dis_content. Outputs, named after the roles as the fixture does:
z_content, mu, logvar, z_attr (VAE noise in/eps), z_attr_plain, <gen>_to_domain<i> (in/z_random,
in/c_trg<i>), <gen>_transfer (attributes and codes permuted by in/transfer_perm), <gen>_mlp,
<dis>_feat/model.<j> | conv1 | conv2, <dis>_out, <dis>_cls, <disContent>_feat/model.<j>, <disContent>.
Our own encoder outputs feed the generators, as in MD_multi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import keras
import numpy as np

from tf_i2i.convert.fixture import Fixture, FixtureError, Result
from tf_i2i.convert.mdmm import MdmmOptions, build_role, load_role, mdmm_options
from tf_i2i.models.drit.networks import reparameterize
from tf_i2i.models.drit_md.networks import MDGenerator

# official class -> (MD_multi role, concat value that selects it; None: either)
CLASSES: dict[str, tuple[str, int | None]] = {
    "MD_E_content": ("enc_c", None),
    "MD_E_attr_concat": ("enc_a", 1),
    "MD_E_attr": ("enc_a", 0),
    "MD_G_multi_concat": ("gen", 1),
    "MD_G_multi": ("gen", 0),
    "MD_Dis": ("dis1", None),
    "MD_Dis_content": ("disContent", None),
}
_CLASS = re.compile(r"\s*networks\.(\w+)\(")


def _nchw(y) -> np.ndarray:
    y = np.asarray(y)
    return np.transpose(y, (0, 3, 1, 2)) if y.ndim == 4 else y


def _options(fixture: Fixture) -> MdmmOptions:
    """official_options with the fixture's widths; `concat` is set per role from its class."""
    opts = dict(fixture.config.get("official_options") or {})
    widths = fixture.config.get("width_substitution") or {}
    opts["concat"] = 1  # the fixture documents both variants here; each role's class picks its own
    return mdmm_options(opts, dim=widths.get("W", 64), mlp_dim=widths.get("M", 256))


def _networks(fixture: Fixture) -> dict[str, tuple[str, keras.Model]]:
    """fixture role -> (official class, our network loaded with the role's weights)."""
    classes = fixture.config.get("classes")
    if not isinstance(classes, Mapping) or not classes:
        raise FixtureError(f"{fixture.name}: config.json has no `classes` naming each role's official class")
    base = _options(fixture)
    nets = {}
    for role, text in classes.items():
        match = _CLASS.match(str(text))
        if not match or match.group(1) not in CLASSES:
            raise FixtureError(f"{fixture.name}: role {role}: unknown official class in {text!r}; known: "
                               f"{sorted(CLASSES)}")
        official_role, concat = CLASSES[match.group(1)]
        o = base if concat is None else replace(base, concat=concat)
        nets[role] = match.group(1), load_role(official_role, build_role(official_role, o, role),
                                               fixture.state_dict(role))
    return nets


def _array(fixture: Fixture, key: str) -> np.ndarray:
    if key not in fixture.arrays:
        raise FixtureError(f"{fixture.name}: missing input {key}")
    return fixture.arrays[key]


def _encoder_outputs(fixture: Fixture, nets: Mapping[str, tuple[str, keras.Model]], x, c_org) -> dict:
    """Content code and attribute codes (the VAE one with the fixture's noise in/eps)."""
    out = {}
    for role, (cls, net) in nets.items():
        if cls == "MD_E_content":
            out["z_content"] = net(x, training=False)
        elif cls == "MD_E_attr_concat":
            out["mu"], out["logvar"] = net(x, c_org, training=False)
            out["z_attr"] = reparameterize(out["mu"], out["logvar"], _array(fixture, "in/eps"))
        elif cls == "MD_E_attr":
            out["z_attr_plain"] = net(x, c_org, training=False)
    return out


def _generator_outputs(fixture: Fixture, role: str, gen: keras.Model, codes: Mapping, c_org) -> dict:
    """Random-attribute translations to every domain, the attribute transfer, the MLP codes."""
    if "z_content" not in codes:
        raise FixtureError(f"{fixture.name}: generator {role} needs an MD_E_content role for its content")
    content, z = codes["z_content"], _array(fixture, "in/z_random")
    out = {}
    for i in range(gen.num_domains):
        c_trg = fixture.arrays.get(f"in/c_trg{i}")
        if c_trg is not None:
            out[f"{role}_to_domain{i}"] = gen(content, z, c_trg, training=False)
    attr = codes.get("z_attr_plain" if isinstance(gen, MDGenerator) else "z_attr")
    if attr is not None and "in/transfer_perm" in fixture.arrays:
        perm = fixture.arrays["in/transfer_perm"]
        out[f"{role}_transfer"] = gen(content, np.asarray(attr)[perm], c_org[perm], training=False)
    if isinstance(gen, MDGenerator) and "in/c_trg0" in fixture.arrays:
        out[f"{role}_mlp"] = gen.codes(z, fixture.arrays["in/c_trg0"])
    return out


def _discriminator_outputs(fixture: Fixture, role: str, cls: str, disc: keras.Model) -> dict:
    """Every layer under its official path, then the forward's outputs."""
    if cls == "MD_Dis":
        x = fixture.input_nhwc(f"{role}_x" if f"in/{role}_x" in fixture.arrays else "dis_x")
        *blocks, logits, cls_map = disc.features(x, training=False)
        out = {f"{role}_feat/model.{j}": y for j, y in enumerate(blocks)}
        logits_out, domain_logits = disc(x, training=False)
        out.update({f"{role}_feat/conv1": logits, f"{role}_feat/conv2": cls_map,
                    f"{role}_out": logits_out, f"{role}_cls": domain_logits})
        return out
    x = fixture.input_nhwc(f"{role}_x" if f"in/{role}_x" in fixture.arrays else "dis_content_x")
    out = {f"{role}_feat/model.{j}": y for j, y in enumerate(disc.features(x, training=False))}
    out[role] = disc(x, training=False)
    return out


def check(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of an MDMM fixture."""
    nets = _networks(fixture)
    x, c_org = fixture.input_nhwc("x"), _array(fixture, "in/c_org")
    named = _encoder_outputs(fixture, nets, x, c_org)
    codes = dict(named)
    for role, (cls, net) in nets.items():
        if cls.startswith("MD_G_"):
            named.update(_generator_outputs(fixture, role, net, codes, c_org))
        elif cls.startswith("MD_Dis"):
            named.update(_discriminator_outputs(fixture, role, cls, net))
    unknown = [k for k in fixture.out_keys() if k[len("out/"):] not in named]
    if unknown:
        raise FixtureError(f"{fixture.name}: no mapping for out key(s) {unknown}")
    return {k: _nchw(named[k[len("out/"):]]) for k in fixture.out_keys()}
