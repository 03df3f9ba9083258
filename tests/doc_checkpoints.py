"""Official-format checkpoint files of tiny networks at the paths a documented tools/convert.py command
names, for tests/doc_commands.py (this module holds no tests). Each writer fits the command's
official options and the tiny widths the harness gives (`widths`: --dim/--mlp_dim/--ngf values).

Models without a writer here (pix2pix, cyclegan, pix2pixhd, spade) have their documented convert
commands skipped, naming the gap: their official-state builders are being added on the `convert`
branch (tests/official_pix2pix_state.py, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np
import pytest
import yaml

from tests import official_drit_state as drit_state
from tests import official_mdmm_state as mdmm_state
from tests.official_munit_state import discriminator_state, munit_generator_state, unit_generator_state
from tests.pth_writer import torch_save

if TYPE_CHECKING:
    from tests.doc_commands import DocCommand, Page

NZ = 8  # the official attribute code length (DRIT, MDMM)
# Tiny MUNIT/UNIT official options (the YAML's gen:/dis: sections).
MUNIT_GEN = dict(dim=4, style_dim=4, n_downsample=1, n_res=1, activ="relu", pad_type="reflect", mlp_dim=8)
UNIT_GEN = dict(dim=4, n_downsample=1, n_res=1, activ="relu", pad_type="reflect")
DIS = dict(dim=4, norm="none", activ="lrelu", n_layer=2, gan_type="lsgan", num_scales=1, pad_type="reflect")


def _save(path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        torch_save(path, obj, monkeypatch)


def _int_option(cmd: DocCommand, name: str, default: int) -> int:
    value = cmd.flag(name)
    return default if value is None else int(value)


def write_munit_unit(cmd: DocCommand, page: Page, widths: dict) -> None:
    """gen_*.pt ({'a', 'b'} generators), dis_*.pt when --checkpoint_d is given, and the YAML config."""
    rng = np.random.default_rng(0)
    model = cmd.flag("model")
    gen, build = (MUNIT_GEN, munit_generator_state) if model == "munit" else (UNIT_GEN, unit_generator_state)
    _save(page.path(cmd.flag("checkpoint")), {d: build(3, gen, rng) for d in "ab"})
    if cmd.flag("checkpoint_d"):
        _save(page.path(cmd.flag("checkpoint_d")), {d: discriminator_state(3, DIS, rng) for d in "ab"})
    config = page.path(cmd.flag("official_config"))
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump({"gen": gen, "dis": DIS, "input_dim_a": 3, "input_dim_b": 3}))


def write_drit(cmd: DocCommand, page: Page, widths: dict) -> None:
    """DRIT.save's dict with the generator roles (enc_c, enc_a, gen) for --concat (default 1)."""
    rng = np.random.default_rng(0)
    dims, dim = (3, 3), widths["dim"]
    state = {"enc_c": drit_state.content_encoder_state(dims, dim, rng)}
    if _int_option(cmd, "concat", 1):
        state.update(enc_a=drit_state.attr_concat_state(dims, dim, NZ, rng),
                     gen=drit_state.gen_concat_state(dims, dim, NZ, rng))
    else:
        state.update(enc_a=drit_state.attr_plain_state(dims, dim, NZ, rng),
                     gen=drit_state.gen_plain_state(dims, dim, widths["mlp_dim"], NZ, rng))
    _save(page.path(cmd.flag("checkpoint")), {**state, "ep": np.int64(1), "total_it": np.int64(1)})


def write_mdmm(cmd: DocCommand, page: Page, widths: dict) -> None:
    """MD_multi.save's dict with the generator roles for --num_domains (default 3) and --concat (default 1)."""
    rng = np.random.default_rng(0)
    domains, dim = _int_option(cmd, "num_domains", 3), widths["dim"]
    state = {"enc_c": mdmm_state.content_encoder_state(3, dim, rng)[0]}
    if _int_option(cmd, "concat", 1):
        state.update(enc_a=mdmm_state.attr_concat_state(3, domains, dim, NZ, rng)[0],
                     gen=mdmm_state.gen_concat_state(3, domains, dim, NZ, rng))
    else:
        state.update(enc_a=mdmm_state.attr_plain_state(3, domains, dim, NZ, rng)[0],
                     gen=mdmm_state.gen_plain_state(3, domains, dim, widths["mlp_dim"], NZ, rng)[0])
    _save(page.path(cmd.flag("checkpoint")), {**state, "ep": np.int64(1), "total_it": np.int64(1)})


WRITERS: dict[str, Callable[[DocCommand, Page, dict], None]] = {
    "munit": write_munit_unit, "unit": write_munit_unit, "drit": write_drit, "drit_md": write_mdmm}
