"""Official-format checkpoint files of tiny networks at the paths a documented tools/convert.py command
names, for tests/doc_commands.py (this module holds no tests). Each writer fits the command's
official options, writes the files (and option files: opt.txt, the MUNIT/UNIT YAML, with tiny
official options) and returns the tiny width options it wrote them for ({'ngf': 4}), which replace
or join the command's own (a width given in a written option file is not repeated on the command
line: the converter wants the two to agree)."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Callable

import numpy as np
import pytest
import yaml

from tests import official_drit_state as drit_state
from tests import official_mdmm_state as mdmm_state
from tests.official_munit_state import discriminator_state, munit_generator_state, unit_generator_state
from tests.official_pix2pix_state import opt_lines, resnet_state, spade_encoder_state, spade_generator_state, unet_state
from tests.helpers_training import REPO
from tests.pth_writer import torch_save

if TYPE_CHECKING:
    from tests.doc_commands import DocCommand, Page

NZ = 8  # the official attribute code length (DRIT, MDMM)
# Tiny MUNIT/UNIT official options (the YAML's gen:/dis: sections).
MUNIT_GEN = dict(dim=4, style_dim=4, n_downsample=1, n_res=1, activ="relu", pad_type="reflect", mlp_dim=8)
UNIT_GEN = dict(dim=4, n_downsample=1, n_res=1, activ="relu", pad_type="reflect")
DIS = dict(dim=4, norm="none", activ="lrelu", n_layer=2, gan_type="lsgan", num_scales=1, pad_type="reflect")
PIX2PIXHD_DATA = REPO / "tests" / "data" / "pix2pixhd"  # a tiny official run: G, E, D and its opt.txt
# pix2pixHD's official defaults (label_nc 35 + the instance edge map in, instance norm) at tiny widths.
PIX2PIXHD_TINY = {"ngf": 4, "n_downsample_global": 1, "n_blocks_global": 1, "n_blocks_local": 1}
# A SPADE run's options (opt.txt): two classes, no instance maps, 32 px, ngf 4.
SPADE_OPTIONS = dict(label_nc=2, contain_dontcare_label=False, no_instance=True, ngf=4, crop_size=32, load_size=32,
                     preprocess_mode="fixed", aspect_ratio=1.0, name="tiny", dataroot="./datasets/x")


def _save(path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        torch_save(path, obj, monkeypatch)


def _int_option(cmd: DocCommand, name: str, default: int) -> int:
    value = cmd.flag(name)
    return default if value is None else int(value)


def write_munit_unit(cmd: DocCommand, page: Page) -> dict:
    """gen_*.pt ({'a', 'b'} generators), dis_*.pt when --checkpoint_d is given, and the YAML config."""
    rng = np.random.default_rng(0)
    model = cmd.flag("model")
    gen, build = (MUNIT_GEN, munit_generator_state) if model == "munit" else (UNIT_GEN, unit_generator_state)
    _save(page.path(cmd.flag("checkpoint")), {d: build(3, gen, rng) for d in "ab"})
    if cmd.flag("checkpoint_d"):
        _save(page.path(cmd.flag("checkpoint_d")), {d: discriminator_state(3, DIS, rng) for d in "ab"})
    config = page.path(cmd.flag("official_config"))
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump({"gen": gen, "dis": DIS, "input_dim_a": 3, "input_dim_b": 3, "new_size": 32,
                                      "crop_image_height": 32, "crop_image_width": 32}))
    return {}


def write_drit(cmd: DocCommand, page: Page) -> dict:
    """DRIT.save's dict with the generator roles (enc_c, enc_a, gen) for --concat (default 1), dim 4."""
    rng, widths = np.random.default_rng(0), {"dim": 4, "mlp_dim": 16}
    dims, dim = (3, 3), widths["dim"]
    state = {"enc_c": drit_state.content_encoder_state(dims, dim, rng)}
    if _int_option(cmd, "concat", 1):
        state.update(enc_a=drit_state.attr_concat_state(dims, dim, NZ, rng),
                     gen=drit_state.gen_concat_state(dims, dim, NZ, rng))
    else:
        state.update(enc_a=drit_state.attr_plain_state(dims, dim, NZ, rng),
                     gen=drit_state.gen_plain_state(dims, dim, widths["mlp_dim"], NZ, rng))
    _save(page.path(cmd.flag("checkpoint")), {**state, "ep": np.int64(1), "total_it": np.int64(1)})
    return widths


def write_mdmm(cmd: DocCommand, page: Page) -> dict:
    """MD_multi.save's dict with the generator roles for --num_domains (default 3) and --concat (default 1), dim 4."""
    rng, widths = np.random.default_rng(0), {"dim": 4, "mlp_dim": 16}
    domains, dim = _int_option(cmd, "num_domains", 3), widths["dim"]
    state = {"enc_c": mdmm_state.content_encoder_state(3, dim, rng)[0]}
    if _int_option(cmd, "concat", 1):
        state.update(enc_a=mdmm_state.attr_concat_state(3, domains, dim, NZ, rng)[0],
                     gen=mdmm_state.gen_concat_state(3, domains, dim, NZ, rng))
    else:
        state.update(enc_a=mdmm_state.attr_plain_state(3, domains, dim, NZ, rng)[0],
                     gen=mdmm_state.gen_plain_state(3, domains, dim, widths["mlp_dim"], NZ, rng)[0])
    _save(page.path(cmd.flag("checkpoint")), {**state, "ep": np.int64(1), "total_it": np.int64(1)})
    return widths


def write_pix2pix(cmd: DocCommand, page: Page) -> dict:
    """latest_net_G.pth of the official default generator (unet_256) at ngf 4."""
    _save(page.path(cmd.flag("checkpoint")), unet_state(3, 3, 8, 4, np.random.default_rng(0)))
    return {"ngf": 4}


def write_cyclegan(cmd: DocCommand, page: Page) -> dict:
    """latest_net_G_A.pth (and --checkpoint_b's G_B) of the official default resnet_9blocks at ngf 4."""
    rng = np.random.default_rng(0)
    for flag in ("checkpoint", "checkpoint_b"):
        if cmd.flag(flag):
            _save(page.path(cmd.flag(flag)), resnet_state(3, 3, 9, 4, rng))
    return {"ngf": 4}


def _conv(sd: dict, prefix: str, cin: int, cout: int, k: int, rng, transposed: bool = False) -> None:
    shape = (cin, cout, k, k) if transposed else (cout, cin, k, k)
    sd[f"{prefix}.weight"] = rng.normal(0, (cin * k * k) ** -0.5, shape).astype(np.float32)
    sd[f"{prefix}.bias"] = rng.normal(0, 0.1, cout).astype(np.float32)


def _resnet_block(sd: dict, prefix: str, dim: int, rng) -> None:
    for index in (1, 5):  # conv_block: pad, conv, norm, relu, pad, conv, norm (instance norm: no parameters)
        _conv(sd, f"{prefix}.conv_block.{index}", dim, dim, 3, rng)


def pix2pixhd_local_state(input_nc: int, ngf: int, n_down: int, n_blocks: int, n_blocks_local: int,
                          rng) -> dict[str, np.ndarray]:
    """LocalEnhancer(input_nc, 3, ngf, n_down, n_blocks, 1, n_blocks_local, InstanceNorm2d).state_dict():
    the global trunk (GlobalGenerator at 2 * ngf less its last pad, conv, tanh) as model.*, then
    model1_1 (downsampling) and model1_2 (resnet blocks, upsampling, output conv)."""
    sd: dict[str, np.ndarray] = {}
    width = 2 * ngf
    _conv(sd, "model.1", input_nc, width, 7, rng)
    for i in range(n_down):
        _conv(sd, f"model.{4 + 3 * i}", width * 2 ** i, width * 2 ** (i + 1), 3, rng)
    index = 4 + 3 * n_down
    for j in range(n_blocks):
        _resnet_block(sd, f"model.{index + j}", width * 2 ** n_down, rng)
    for i in range(n_down):
        mult = 2 ** (n_down - i)
        _conv(sd, f"model.{index + n_blocks + 3 * i}", width * mult, width * mult // 2, 3, rng, transposed=True)
    _conv(sd, "model1_1.1", input_nc, ngf, 7, rng)
    _conv(sd, "model1_1.4", ngf, 2 * ngf, 3, rng)
    for j in range(n_blocks_local):
        _resnet_block(sd, f"model1_2.{j}", 2 * ngf, rng)
    _conv(sd, f"model1_2.{n_blocks_local}", 2 * ngf, ngf, 3, rng, transposed=True)
    _conv(sd, f"model1_2.{n_blocks_local + 4}", ngf, 3, 7, rng)
    return sd


def write_pix2pixhd(cmd: DocCommand, page: Page) -> dict:
    """With --opt_file: the tiny official run of tests/data/pix2pixhd (G, E, opt.txt) copied to the
    documented paths. Without: a --netG (global or local) generator of the official defaults
    (label_nc 35 + instance edges) at PIX2PIXHD_TINY's widths."""
    if cmd.flag("opt_file"):
        for flag, name in (("checkpoint", "latest_net_G.pth"), ("checkpoint_e", "latest_net_E.pth"),
                           ("checkpoint_d", "latest_net_D.pth"), ("opt_file", "opt.txt")):
            if cmd.flag(flag):
                page.path(cmd.flag(flag)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(PIX2PIXHD_DATA / name, page.path(cmd.flag(flag)))
        return {}
    if cmd.flag("netG") != "local":
        pytest.skip(f"{cmd}: only the local generator has a writer here")
    t = PIX2PIXHD_TINY
    _save(page.path(cmd.flag("checkpoint")), pix2pixhd_local_state(
        36, t["ngf"], t["n_downsample_global"], t["n_blocks_global"], t["n_blocks_local"], np.random.default_rng(0)))
    return dict(t)


def write_spade(cmd: DocCommand, page: Page) -> dict:
    """latest_net_G.pth and opt.txt of a SPADE_OPTIONS run; with --checkpoint_e a use_vae run at
    crop_size 256 (the official encoder needs it) and its latest_net_E.pth."""
    options, rng = dict(SPADE_OPTIONS), np.random.default_rng(0)
    ngf, semantic_nc = options["ngf"], options["label_nc"]
    if cmd.flag("checkpoint_e"):
        options.update(use_vae=True, crop_size=256, load_size=256)
        grid = options["crop_size"] // 2 ** 5  # normal num_upsampling_layers, aspect ratio 1
        _save(page.path(cmd.flag("checkpoint")), spade_generator_state(semantic_nc, ngf, rng, vae_grid=(grid, grid)))
        _save(page.path(cmd.flag("checkpoint_e")), spade_encoder_state(ngf, options["crop_size"], rng))
    else:
        _save(page.path(cmd.flag("checkpoint")), spade_generator_state(semantic_nc, ngf, rng))
    page.path(cmd.flag("opt_file")).write_text(opt_lines(options))
    return {}


WRITERS: dict[str, Callable[[DocCommand, Page], dict]] = {
    "pix2pix": write_pix2pix, "cyclegan": write_cyclegan, "pix2pixhd": write_pix2pixhd, "spade": write_spade,
    "munit": write_munit_unit, "unit": write_munit_unit, "drit": write_drit, "drit_md": write_mdmm}
