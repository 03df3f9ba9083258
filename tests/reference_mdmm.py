"""Plain-numpy eval forward of the two MDMM networks that are not a renamed DRIT one (MD_G_multi_concat,
MD_Dis), written from the official definitions with tests/reference_drit.py's layers. NHWC float64."""

from __future__ import annotations

import numpy as np

from tests import reference_drit as ref
from tests.reference_ops import conv2d


def with_code(x: np.ndarray, code: np.ndarray) -> np.ndarray:
    """[x, code tiled to x's size] (official view + repeat/expand + cat)."""
    return np.concatenate([x, np.broadcast_to(code[:, None, None, :], x.shape[:3] + code.shape[-1:])], axis=-1)


def gen_concat(sd, content, z, c):
    """MD_G_multi_concat.forward(x, z, c): c goes in front of z before dec1 only."""
    x = with_code(with_code(ref.ins_res(sd, "dec_share.0", content), c), z)
    for i in range(3):
        x = ref.ins_res(sd, f"dec1.{i}", x)
    for stage in ("dec2.0", "dec3.0"):
        x = ref.relu_ln_conv_t(sd, stage, with_code(x, z))
    return np.tanh(ref._conv_t(sd, "dec4.0", with_code(x, z)))


def dis(sd, x):
    """MD_Dis.forward with every submodule's output: model.0..5, conv1 (zero padding 1), conv2
    (before the average pool); then (patch logits, domain logits)."""
    feats = []
    for j in range(6):
        x = ref.leaky_conv(sd, f"model.{j}", x, 2, 1)
        feats.append(x)
    head = lambda key, pad: conv2d(x, sd[key].transpose(2, 3, 1, 0), None, 1, pad)  # noqa: E731
    logits, cls_map = head("conv1.weight", 1), head("conv2.weight", 0)
    return feats + [logits, cls_map], (logits, cls_map.mean(axis=(1, 2)))
