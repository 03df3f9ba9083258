"""Random state_dicts with the official MDMM keys and shapes (networks.py `MD_*`), for option values the
fixture lacks. Most MD networks are one domain's half of a DRIT network under other module names, so
those are DRIT states (tests/official_drit_state.py) renamed; each such function also returns the
DRIT-layout state, which tests/reference_drit.py evaluates. `dim` stands for the official 64."""

from __future__ import annotations

import numpy as np

from tests import official_drit_state as drit
from tests.official_drit_state import DritStateBuilder


def _moved(sd: dict[str, np.ndarray], moves: dict[str, str]) -> dict[str, np.ndarray]:
    """The keys under each old module prefix, renamed to the new prefix; all other keys dropped."""
    return {new + key[len(old):]: value for key, value in sd.items()
            for old, new in moves.items() if key.startswith(old + ".")}


def content_encoder_state(input_dim: int, dim: int, rng) -> tuple[dict, dict]:
    """MD_E_content(input_dim) = E_content's convA followed by its conv_share."""
    sd = drit.content_encoder_state((input_dim, 1), dim, rng)
    return _moved(sd, {"convA": "conv", "conv_share.0": "conv.6"}), sd


def attr_concat_state(input_dim: int, num_domains: int, dim: int, nz: int, rng) -> tuple[dict, dict]:
    """MD_E_attr_concat(input_dim, nz, num_domains, None, lrelu): E_attr_concat's A half on [x, c]."""
    sd = drit.attr_concat_state((input_dim + num_domains, 1), dim, nz, rng)
    return _moved(sd, {"conv_A": "conv", "fc_A": "fc", "fcVar_A": "fcVar"}), sd


def attr_plain_state(input_dim: int, num_domains: int, dim: int, nz: int, rng) -> tuple[dict, dict]:
    """MD_E_attr(input_dim, nz, num_domains): E_attr's model_a on [x, c]."""
    sd = drit.attr_plain_state((input_dim + num_domains, 1), dim, nz, rng)
    return _moved(sd, {"model_a": "model"}), sd


def gen_plain_state(output_dim: int, num_domains: int, dim: int, mlp_dim: int, nz: int, rng) -> tuple[dict, dict]:
    """MD_G_multi(output_dim, nz, num_domains): G's A half whose MLP takes [c, z]; its last stage
    keeps the name decA5."""
    sd = drit.gen_plain_state((output_dim, 1), dim, mlp_dim, nz + num_domains, rng)
    moves = {f"decA{i}": f"dec{i}" for i in range(1, 5)} | {"decA5": "decA5", "mlpA": "mlp"}
    return _moved(sd, moves), sd


def gen_concat_state(output_dim: int, num_domains: int, dim: int, nz: int, rng) -> dict[str, np.ndarray]:
    """MD_G_multi_concat(output_dim, num_domains, nz): dec_share, then dec1 at 4*dim + nz + num_domains
    channels; z joins again before dec2, dec3 and dec4."""
    b = DritStateBuilder(rng)
    b.ins_res("dec_share.0", 4 * dim)
    c = 4 * dim + nz + num_domains
    for i in range(3):
        b.ins_res(f"dec1.{i}", c)
    for stage in ("dec2.0", "dec3.0"):
        b.relu_ln_conv_t(stage, c + nz, (c + nz) // 2)
        c = (c + nz) // 2
    b.conv_t("dec4.0", c + nz, output_dim, 1)
    return b.sd


def dis_state(input_dim: int, num_domains: int, dim: int, crop_size: int, sn: bool, rng) -> dict[str, np.ndarray]:
    """MD_Dis(input_dim, sn=sn, c_dim=num_domains, image_size=crop_size): six LeakyReLUConv2d, bias-free
    conv1 (1x1) and conv2 (kernel int(crop_size / 64)), never spectral-normalised."""
    b = DritStateBuilder(rng)
    c = input_dim
    for j in range(6):
        width = dim * 2 ** min(j, 4)
        b.leaky_conv(f"model.{j}", c, width, 3, sn)
        c = width
    k = int(crop_size / 64)
    b.sd["conv1.weight"] = b._normal((1, c, 1, 1), c ** -0.5)
    b.sd["conv2.weight"] = b._normal((num_domains, c, k, k), (c * k * k) ** -0.5)
    return b.sd


def dis_content_state(channels: int, num_domains: int, rng) -> dict[str, np.ndarray]:
    """MD_Dis_content(num_domains) on `channels` (official 256): Dis_content with num_domains logits."""
    b = DritStateBuilder(rng)
    b.sd = {k: v for k, v in drit.dis_content_state(channels, rng).items() if not k.startswith("model.4.")}
    b.conv("model.4", channels, num_domains, 1)
    return b.sd
