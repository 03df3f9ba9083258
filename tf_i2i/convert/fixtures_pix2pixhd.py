"""Fixture handler for NVIDIA/pix2pixHD (config.json model 'pix2pixHD').

Networks are built from the flat official `options` (netG, netD, netE) and `options_netG_local`
(netG_local). Outputs: `out/edge_map` and `out/input_label` (encode_input), `out/netE_feat`,
`out/<generator role>` plus `out/<role>/<intermediate>` (LocalEnhancer: input_downsampled,
global_out, model<n>_1_out), and `out/<D|D_real>/scale<i>/layer<j>` (netD on in/netD_input or
in/netD_input_real; list entry i, layer j).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from tf_i2i.convert.fixture import Fixture, FixtureError, Result
from tf_i2i.convert.pix2pixhd import (build_discriminator_from_official, build_encoder_from_official,
                                      build_generator_from_official, load_discriminator, load_encoder,
                                      load_generator, option)
from tf_i2i.data.labels import one_hot_labels
from tf_i2i.layers import InstanceBoundary
from tf_i2i.models.pix2pixhd import LocalEnhancer

# Generator roles -> the config.json option namespace that built them.
GENERATOR_OPTIONS = {"netG": "options", "netG_local": "options_netG_local"}
_DISC_KEY = re.compile(r"(D\w*)/scale(\d+)/layer(\d+)")


def _nchw(y) -> np.ndarray:
    return np.transpose(np.asarray(y), (0, 3, 1, 2))


def _options(fixture: Fixture, namespace: str) -> Mapping[str, Any]:
    opts = fixture.config.get(namespace)
    if not isinstance(opts, dict):
        raise FixtureError(f"{fixture.name}: config.json has no official option namespace {namespace!r}")
    return opts


def _ids(fixture: Fixture, key: str) -> np.ndarray:
    """An id map stored as float NCHW -> int32 NHWC (the official code casts with astype(int))."""
    return np.rint(fixture.input_nhwc(key)).astype(np.int32)


def _loaded(fixture: Fixture, role: str, build, load, opts: Mapping[str, Any]) -> keras.Model:
    sd = fixture.state_dict(role)
    net = build(opts, name=role)
    load(net, sd)
    sd.check_all_used()
    return net


def _encode_input(fixture: Fixture, opts: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """edge_map and input_label as Pix2PixHDModel.encode_input computes them (NHWC)."""
    label_nc = option(opts, "label_nc")
    label = fixture.input_nhwc("label_map")
    parts = [np.asarray(one_hot_labels(np.rint(label).astype(np.int32), label_nc))] if label_nc else [label]
    out = {}
    if not option(opts, "no_instance"):
        out["edge_map"] = np.asarray(InstanceBoundary()(_ids(fixture, "inst_map")))
        parts.append(out["edge_map"])
    out["input_label"] = np.concatenate(parts, axis=-1)
    return out


def _generator_results(net: keras.Model, x: np.ndarray, role: str, keys: list[str]) -> dict[str, Result]:
    results: dict[str, Result] = {}
    inter = net.intermediates(x, training=False) if isinstance(net, LocalEnhancer) else None
    for key in keys:
        part = key[len(f"out/{role}"):].lstrip("/")
        if not part:
            results[key] = _nchw(inter["output"] if inter is not None else net(x, training=False))
        elif inter is not None and part in inter and part != "output":
            results[key] = _nchw(inter[part])
        else:
            known = sorted(k for k in (inter or {}) if k != "output")
            raise FixtureError(f"no mapping for {key}: {type(net).__name__} intermediates are {known}")
    return results


def _discriminator_results(fixture: Fixture, disc: keras.Model, keys: list[str]) -> dict[str, Result]:
    results: dict[str, Result] = {}
    by_input: dict[str, list] = {}
    for key in keys:
        which, i, j = _DISC_KEY.fullmatch(key[len("out/"):]).groups()
        by_input.setdefault("netD_input" + which[1:], []).append((key, int(i), int(j)))
    for name, wanted in by_input.items():
        feats = disc(fixture.input_nhwc(name), training=False)
        for key, i, j in wanted:
            if i >= len(feats) or j >= len(feats[i]):
                raise FixtureError(f"no mapping for {key}: our netD has {len(feats)} scales of "
                                   f"{len(feats[0])} outputs")
            results[key] = _nchw(feats[i][j])
    return results


def check(fixture: Fixture) -> dict[str, Result]:
    """Our result for every out/ key of the fixture (raises FixtureError for a key it cannot map)."""
    opts = _options(fixture, "options")
    keys = fixture.out_keys()
    results: dict[str, Result] = {}
    if {"out/edge_map", "out/input_label"} & set(keys):
        for name, value in _encode_input(fixture, opts).items():
            if f"out/{name}" in keys:
                results[f"out/{name}"] = _nchw(value)
    if "out/netE_feat" in keys:
        enc = _loaded(fixture, "netE", build_encoder_from_official, load_encoder, opts)
        ids = _ids(fixture, "label_map" if option(opts, "label_feat") else "inst_map")
        results["out/netE_feat"] = _nchw(enc(fixture.input_nhwc("real_image"), tf.constant(ids), training=False))
    for role, namespace in GENERATOR_OPTIONS.items():
        role_keys = [k for k in keys if k == f"out/{role}" or k.startswith(f"out/{role}/")]
        if role_keys:
            net = _loaded(fixture, role, build_generator_from_official, load_generator,
                          _options(fixture, namespace))
            results.update(_generator_results(net, fixture.input_nhwc("netG_input"), role, role_keys))
    disc_keys = [k for k in keys if _DISC_KEY.fullmatch(k[len("out/"):])]
    if disc_keys:
        disc = _loaded(fixture, "netD", build_discriminator_from_official, load_discriminator, opts)
        results.update(_discriminator_results(fixture, disc, disc_keys))
    return results
