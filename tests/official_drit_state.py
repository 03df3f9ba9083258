"""Random state_dicts with the official DRIT keys and shapes, written from the official module
structure (src/networks.py: LeakyReLUConv2d, ReLUINSConv2d, INSResBlock, MisINSResBlock,
ReLUINSConvTranspose2d, BasicBlock, DRIT's spectral norm), for option values the fixture lacks.
Widths: `dim` stands for the official 64, 4 * dim for 256, `mlp_dim` for the MLP's 256."""

from __future__ import annotations

import numpy as np

from tests.official_munit_state import StateBuilder


class DritStateBuilder(StateBuilder):
    """StateBuilder with DRIT's layer layouts."""

    def sn_conv(self, prefix: str, cin: int, cout: int, k: int, stale: bool = False) -> None:
        """DRIT's spectral norm after a training forward: weight_orig, weight_u (updated) and the
        `weight` buffer = weight_orig / sigma; `stale` then changes weight_orig (an optimiser step)."""
        w = self._normal((cout, cin, k, k), (cin * k * k) ** -0.5)
        mat = w.reshape(cout, -1).astype(np.float64)
        u = self._unit(cout).astype(np.float64)
        v = mat.T @ u
        v /= np.linalg.norm(v)
        u = mat @ v
        u /= np.linalg.norm(u)
        self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)
        self.sd[f"{prefix}.weight"] = (w / (u @ mat @ v)).astype(np.float32)
        self.sd[f"{prefix}.weight_u"] = u.astype(np.float32)
        self.sd[f"{prefix}.weight_orig"] = w + self._normal(w.shape, 1e-3) if stale else w

    def any_conv(self, prefix: str, cin: int, cout: int, k: int, sn: bool = False) -> None:
        if sn:
            self.sn_conv(prefix, cin, cout, k, stale=self.rng.uniform() < 0.5)
        else:
            self.conv(prefix, cin, cout, k)

    def leaky_conv(self, prefix: str, cin: int, cout: int, k: int, sn: bool = False) -> None:
        self.any_conv(f"{prefix}.model.1", cin, cout, k, sn)

    def ins_res(self, prefix: str, c: int) -> None:
        self.conv(f"{prefix}.model.1", c, c, 3)
        self.conv(f"{prefix}.model.5", c, c, 3)

    def conv_t(self, prefix: str, cin: int, cout: int, k: int) -> None:
        self.sd[f"{prefix}.weight"] = self._normal((cin, cout, k, k), (cin * k * k) ** -0.5)
        self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)

    def relu_ln_conv_t(self, prefix: str, cin: int, cout: int) -> None:
        self.conv_t(f"{prefix}.model.0", cin, cout, 3)
        self.sd[f"{prefix}.model.1.weight"] = self.rng.uniform(0.5, 1.5, (cout, 1, 1)).astype(np.float32)
        self.sd[f"{prefix}.model.1.bias"] = self._normal((cout, 1, 1), 0.2)

    def linear(self, prefix: str, cin: int, cout: int, activ: str = "none") -> None:
        self.sd[f"{prefix}.weight"] = self._normal((cout, cin), cin ** -0.5)
        self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)


def content_encoder_state(dims: tuple[int, int], dim: int, rng) -> dict[str, np.ndarray]:
    """E_content(input_dim_a, input_dim_b)."""
    b = DritStateBuilder(rng)
    for x, cin in zip("AB", dims, strict=True):
        b.leaky_conv(f"conv{x}.0", cin, dim, 7)
        b.conv(f"conv{x}.1.model.1", dim, 2 * dim, 3)
        b.conv(f"conv{x}.2.model.1", 2 * dim, 4 * dim, 3)
        for i in range(3, 6):
            b.ins_res(f"conv{x}.{i}", 4 * dim)
    b.ins_res("conv_share.0", 4 * dim)
    return b.sd


def attr_concat_state(dims: tuple[int, int], dim: int, nz: int, rng) -> dict[str, np.ndarray]:
    """E_attr_concat(input_dim_a, input_dim_b, nz, None, lrelu)."""
    b = DritStateBuilder(rng)
    for x, cin in zip("AB", dims, strict=True):
        b.conv(f"conv_{x}.1", cin, dim, 4)
        for n in range(1, 4):
            c_in, c_out = dim * min(4, n), dim * min(4, n + 1)
            b.conv(f"conv_{x}.{n + 1}.conv.2", c_in, c_in, 3)
            b.conv(f"conv_{x}.{n + 1}.conv.4.1", c_in, c_out, 3)
            b.conv(f"conv_{x}.{n + 1}.shortcut.1", c_in, c_out, 1)
        b.linear(f"fc_{x}.0", 4 * dim, nz)
        b.linear(f"fcVar_{x}.0", 4 * dim, nz)
    return b.sd


def attr_plain_state(dims: tuple[int, int], dim: int, nz: int, rng) -> dict[str, np.ndarray]:
    """E_attr(input_dim_a, input_dim_b, nz)."""
    b = DritStateBuilder(rng)
    for x, cin in zip("ab", dims, strict=True):
        widths = [cin, dim, 2 * dim, 4 * dim, 4 * dim, 4 * dim]
        for i, k in enumerate((7, 4, 4, 4, 4)):
            b.conv(f"model_{x}.{1 + 3 * i}", widths[i], widths[i + 1], k)
        b.conv(f"model_{x}.16", 4 * dim, nz, 1)
    return b.sd


def gen_concat_state(dims: tuple[int, int], dim: int, nz: int, rng) -> dict[str, np.ndarray]:
    """G_concat(output_dim_a, output_dim_b, nz)."""
    b = DritStateBuilder(rng)
    b.ins_res("dec_share.0", 4 * dim)
    for x, cout in zip("AB", dims, strict=True):
        c = 4 * dim + nz
        for i in range(3):
            b.ins_res(f"dec{x}1.{i}", c)
        c += nz
        b.relu_ln_conv_t(f"dec{x}2.0", c, c // 2)
        c = c // 2 + nz
        b.relu_ln_conv_t(f"dec{x}3.0", c, c // 2)
        c = c // 2 + nz
        b.conv_t(f"dec{x}4.0", c, cout, 1)
    return b.sd


def gen_plain_state(dims: tuple[int, int], dim: int, mlp_dim: int, nz: int, rng) -> dict[str, np.ndarray]:
    """G(output_dim_a, output_dim_b, nz): MisINSResBlocks of 4*dim fed by mlpX."""
    b = DritStateBuilder(rng)
    c = 4 * dim
    for x, cout in zip("AB", dims, strict=True):
        for i in range(1, 5):
            p = f"dec{x}{i}"
            b.conv(f"{p}.conv1.0.1", c, c, 3)
            b.conv(f"{p}.conv2.0.1", c, c, 3)
            for blk in ("blk1", "blk2"):
                b.conv(f"{p}.{blk}.0", 2 * c, 2 * c, 1)
                b.conv(f"{p}.{blk}.2", 2 * c, c, 1)
        b.relu_ln_conv_t(f"dec{x}5.0", c, c // 2)
        b.relu_ln_conv_t(f"dec{x}5.1", c // 2, c // 4)
        b.conv_t(f"dec{x}5.2", c // 4, cout, 1)
        b.linear(f"mlp{x}.0", nz, mlp_dim)
        b.linear(f"mlp{x}.2", mlp_dim, mlp_dim)
        b.linear(f"mlp{x}.4", mlp_dim, 4 * c)
    return b.sd


def dis_content_state(channels: int, rng) -> dict[str, np.ndarray]:
    """Dis_content() on `channels` (official 256)."""
    b = DritStateBuilder(rng)
    for j, k in enumerate((7, 7, 7, 4)):
        b.leaky_conv(f"model.{j}", channels, channels, k)
    b.conv("model.4", channels, 1, 1)
    return b.sd


def domain_dis_state(input_dim: int, dim: int, dis_scale: int, sn: bool, rng) -> dict[str, np.ndarray]:
    """MultiScaleDis(input_dim, dis_scale, sn=sn) if dis_scale > 1, else Dis(input_dim, sn=sn)."""
    b = DritStateBuilder(rng)
    n_layers, k, prefixes = (4, 4, [f"Diss.{s}" for s in range(dis_scale)]) if dis_scale > 1 else (6, 3, ["model"])
    for p in prefixes:
        c = input_dim
        for j in range(n_layers):
            b.leaky_conv(f"{p}.{j}", c, dim * 2 ** j, k, sn)
            c = dim * 2 ** j
        b.any_conv(f"{p}.{n_layers}", c, 1, 1, sn)
    return b.sd
