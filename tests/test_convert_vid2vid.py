"""vid2vid converter and networks: the official fixture passes tools' check; official key layouts
written from the official module lists load completely into the networks built from other official
options and give finite outputs of the right shapes; the local (finer-scale) generator takes the
coarse scale's features as the official forward does."""

import io
from pathlib import Path

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tests.official_vid2vid_state import (composite_generator_state, composite_local_state,
                                          multiscale_discriminator_state)
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tf_i2i.convert.vid2vid import load_official_networks, official_roles
from tf_i2i.layers import AvgPoolExcludePad
from tf_i2i.models.vid2vid import CompositeGenerator, CompositeLocalGenerator

RNG = np.random.default_rng(11)
H, W = 16, 24

# Options unlike the fixture's (ngf 8, n_downsample_G 3, n_blocks 3, n_frames_G 3, fg, num_D 2, ...).
OTHER = dict(label_nc=5, use_instance=True, ngf=6, n_downsample_G=2, n_blocks=4, n_frames_G=2, fg=False,
             ndf=4, num_D=1, n_layers_D=2, n_frames_D=2, n_scales_temporal=3, norm="batch")


def _states(opts: dict, n_scales: int = 1) -> dict[str, StateDict]:
    """An official state_dict per role, from the official module structure."""
    c = (opts["label_nc"] + opts["use_instance"]) * opts["n_frames_G"]
    prev = 3 * (opts["n_frames_G"] - 1)
    fg, no_flow = opts.get("fg", False), opts.get("no_flow", False)
    norm = opts["norm"]
    sds = {"netG0": composite_generator_state(c, prev, opts["ngf"], opts["n_downsample_G"], opts["n_blocks"],
                                              fg, no_flow, RNG, norm=norm)}
    for s in range(1, n_scales):
        sds[f"netG{s}"] = composite_local_state(c, prev, opts["ngf"] // 2 ** s, opts["n_downsample_G"],
                                                opts.get("n_blocks_local", 3), fg, no_flow, RNG)
    interm = not opts.get("no_ganFeat", False)
    d_args = (opts["ndf"], opts["n_layers_D"], opts["num_D"], interm, RNG, norm)
    sds["netD"] = multiscale_discriminator_state(opts["label_nc"] + opts["use_instance"] + 3, *d_args)
    for s in range(opts["n_scales_temporal"]):
        sds[f"netD_T{s}"] = multiscale_discriminator_state(5 * opts["n_frames_D"] - 2, *d_args)
    return {role: StateDict(sd, role) for role, sd in sds.items()}


def _inputs(opts: dict, h: int = H, w: int = W) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = (opts["label_nc"] + opts["use_instance"]) * opts["n_frames_G"]
    label = RNG.integers(0, 2, (1, h, w, c)).astype(np.float32)
    prev = RNG.uniform(-1, 1, (1, h, w, 3 * (opts["n_frames_G"] - 1))).astype(np.float32)
    mask = RNG.integers(0, 2, (1, h, w, 1)).astype(np.float32)
    return label, prev, mask


@pytest.mark.parametrize("variant", [
    {},
    dict(fg=True, fg_labels="1,3", n_downsample_G=3, n_blocks=1, ngf=8, no_ganFeat=True, n_scales_temporal=1),
    dict(no_flow=True, n_frames_G=4, num_D=3, ndf=40, n_scales_temporal=1),
    dict(norm="instance", n_scales_temporal=1),  # InstanceNorm2d with running stats: buffers only
])
def test_other_official_options_load_every_key_and_run(variant):
    opts = {**OTHER, **variant}
    sds = _states(opts)
    nets = load_official_networks(opts, sds)  # raises unless every key was used
    assert sorted(nets) == sorted(official_roles(opts))
    label, prev, mask = _inputs(opts)
    out = nets["netG0"](label, prev, mask if opts["fg"] else None, training=False)
    expected = {"img_final": 3, "img_raw": 3, "img_feat": opts["ngf"]}
    if not opts.get("no_flow"):
        expected |= {"flow": 2, "weight": 1, "flow_feat": opts["ngf"]}
    if opts["fg"]:
        expected["img_fg_feat"] = opts["ngf"] // 2  # n_downsample_G > 2 halves the foreground branch
    assert {k: v.shape for k, v in out.items()} == {k: (1, H, W, c) for k, c in expected.items()}
    assert all(np.all(np.isfinite(v)) for v in out.values())
    if opts.get("no_flow") and not opts["fg"]:
        np.testing.assert_array_equal(out["img_final"], out["img_raw"])
    d_in = np.concatenate([label[..., -(opts["label_nc"] + 1):], out["img_final"]], axis=-1)
    feats = nets["netD"](d_in, training=False)
    assert len(feats) == opts["num_D"] and len(feats[0]) == (1 if opts.get("no_ganFeat") else opts["n_layers_D"] + 2)
    widths = [scale.blocks[0].filters for scale in nets["netD"].scales]  # coarser scales start wider, <= 64
    assert widths == [min(64, opts["ndf"] * 2 ** i) for i in range(opts["num_D"])]
    t_in = RNG.normal(size=(1, H, W, 5 * opts["n_frames_D"] - 2)).astype(np.float32)
    assert np.all(np.isfinite(nets[f"netD_T{opts['n_scales_temporal'] - 1}"](t_in, training=False)[-1][-1]))


def test_a_state_from_other_options_names_the_extra_key():
    sds = _states({**OTHER, "fg": True})
    with pytest.raises(ConversionError, match="indv_"):
        load_official_networks(OTHER, {"netG0": sds["netG0"]})


def test_flow_blends_the_warped_last_frame_and_raw_only_skips_it():
    opts = dict(OTHER)
    gen = load_official_networks(opts, {"netG0": _states(opts)["netG0"]})["netG0"]
    label, prev, _ = _inputs(opts)
    out = gen(label, prev, training=False)
    warped = gen.warp(prev[..., -3:], out["flow"])
    w = out["weight"]
    np.testing.assert_allclose(out["img_final"], out["img_raw"] * w + warped * (1 - w), atol=1e-6)
    np.testing.assert_allclose(out["flow"], gen.flow_head(out["flow_feat"]) * 20, rtol=1e-6)
    raw_only = gen(label, prev, use_raw_only=True, training=False)
    np.testing.assert_array_equal(raw_only["img_final"], raw_only["img_raw"])


def test_local_generator_adds_the_coarse_features_and_scales_the_flow():
    opts = {**OTHER, "fg": True, "fg_labels": [2], "n_scales_spatial": 2, "n_blocks_local": 2}
    nets = load_official_networks(opts, {k: v for k, v in _states(opts, 2).items() if k.startswith("netG")})
    coarse_gen, local = nets["netG0"], nets["netG1"]
    assert isinstance(coarse_gen, CompositeGenerator) and isinstance(local, CompositeLocalGenerator)
    assert local.ngf == opts["ngf"] // 2 and local.flow_multiplier == 40
    label, prev, mask = _inputs(opts)
    pool = AvgPoolExcludePad(3, 2, 1)  # the official build_pyr
    coarse = coarse_gen(pool(label), pool(prev), pool(mask), training=False)
    feats = {k: coarse[k] for k in ("img_feat", "flow_feat", "img_fg_feat")}
    out = local(label, prev, mask, feats, training=False)
    assert all(v.shape[1:3] == (H, W) for v in out.values())
    np.testing.assert_allclose(out["flow"], local.flow_head(out["flow_feat"]) * 40, rtol=1e-6)
    np.testing.assert_array_equal(out["flow_feat"], local.flow_decoder(
        local.label_encoder(label) + local.prev_encoder(prev) + feats["flow_feat"]))
    shifted = local(label, prev, mask, {**feats, "img_feat": feats["img_feat"] + 1.0}, training=False)
    assert not np.allclose(shifted["img_feat"], out["img_feat"])
    np.testing.assert_array_equal(shifted["flow"], out["flow"])
    with pytest.raises(ValueError, match="coarser scale's features"):
        local(label, prev, mask, training=False)
    for gen in (coarse_gen, local):
        assert type(gen).from_config(gen.get_config()).get_config() == gen.get_config()


@pytest.fixture
def official(shared_dir) -> Path:
    return fixture_dir(shared_dir, "vid2vid")


def test_official_fixture_passes_every_output(official):
    from tools.fixtures.check import run

    out, err = io.StringIO(), io.StringIO()
    code = run([str(official)], out, err)
    lines = out.getvalue().splitlines()
    assert code == 0, err.getvalue() + "\n".join(lines)
    with np.load(official / "fixture.npz") as npz:
        n_out = sum(k.startswith("out/") for k in npz.files)
    assert lines[-1].startswith(f"vid2vid: {n_out} compared, 0 skipped")
