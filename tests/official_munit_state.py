"""Random state_dicts with the official MUNIT/UNIT keys and shapes, written from the official module
structure (AdaINGen, VAEGen, MsImageDis built of Conv2dBlock / ResBlocks / LinearBlock), so the
converter can be tried on option values the fixtures do not cover."""

from __future__ import annotations

import numpy as np


class StateBuilder:
    """Collects `key -> array` like module.state_dict(); weights ~ N(0, 1/fan_in), norm affines
    around 1 / 0, running stats perturbed, PReLU slopes in (0.05, 0.45)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.sd: dict[str, np.ndarray] = {}

    def _normal(self, shape, std: float) -> np.ndarray:
        return self.rng.normal(0.0, std, size=shape).astype(np.float32)

    def _unit(self, n: int) -> np.ndarray:
        v = self._normal((n,), 1.0)
        return v / np.linalg.norm(v)

    def conv(self, prefix: str, cin: int, cout: int, k: int) -> None:
        """A bare nn.Conv2d."""
        self.sd[f"{prefix}.weight"] = self._normal((cout, cin, k, k), (cin * k * k) ** -0.5)
        self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)

    def conv_block(self, prefix: str, cin: int, cout: int, k: int, norm: str, activ: str) -> None:
        """Conv2dBlock: conv (MUNIT's SpectralNorm wrapper with 'sn'), norm, activation."""
        if norm == "sn":
            m = f"{prefix}.conv.module"
            self.sd[f"{m}.bias"] = self._normal((cout,), 0.1)
            self.sd[f"{m}.weight_u"] = self._unit(cout)
            self.sd[f"{m}.weight_v"] = self._unit(cin * k * k)
            self.sd[f"{m}.weight_bar"] = self._normal((cout, cin, k, k), (cin * k * k) ** -0.5)
        else:
            self.conv(f"{prefix}.conv", cin, cout, k)
        n = f"{prefix}.norm"
        if norm == "bn":
            self.sd[f"{n}.weight"] = 1.0 + self._normal((cout,), 0.2)
            self.sd[f"{n}.bias"] = self._normal((cout,), 0.2)
            self.sd[f"{n}.running_mean"] = self._normal((cout,), 0.3)
            self.sd[f"{n}.running_var"] = self.rng.uniform(0.5, 2.0, cout).astype(np.float32)
            self.sd[f"{n}.num_batches_tracked"] = np.array(7, np.int64)
        elif norm == "ln":
            self.sd[f"{n}.gamma"] = self.rng.uniform(0.5, 1.5, cout).astype(np.float32)
            self.sd[f"{n}.beta"] = self._normal((cout,), 0.2)
        elif norm == "adain":  # dummy buffers
            self.sd[f"{n}.running_mean"] = self._normal((cout,), 0.3)
            self.sd[f"{n}.running_var"] = self.rng.uniform(0.5, 2.0, cout).astype(np.float32)
        if activ == "prelu":
            self.sd[f"{prefix}.activation.weight"] = self.rng.uniform(0.05, 0.45, 1).astype(np.float32)

    def res_blocks(self, prefix: str, n: int, dim: int, norm: str, activ: str) -> None:
        for j in range(n):
            self.conv_block(f"{prefix}.model.{j}.model.0", dim, dim, 3, norm, activ)
            self.conv_block(f"{prefix}.model.{j}.model.1", dim, dim, 3, norm, "none")

    def content_encoder(self, prefix: str, g: dict, input_dim: int) -> int:
        dim = g["dim"]
        self.conv_block(f"{prefix}.model.0", input_dim, dim, 7, "in", g["activ"])
        for i in range(g["n_downsample"]):
            self.conv_block(f"{prefix}.model.{i + 1}", dim, 2 * dim, 4, "in", g["activ"])
            dim *= 2
        self.res_blocks(f"{prefix}.model.{g['n_downsample'] + 1}", g["n_res"], dim, "in", g["activ"])
        return dim

    def decoder(self, prefix: str, g: dict, dim: int, output_dim: int, res_norm: str) -> None:
        self.res_blocks(f"{prefix}.model.0", g["n_res"], dim, res_norm, g["activ"])
        for i in range(g["n_downsample"]):
            self.conv_block(f"{prefix}.model.{2 + 2 * i}", dim, dim // 2, 5, "ln", g["activ"])
            dim //= 2
        self.conv_block(f"{prefix}.model.{1 + 2 * g['n_downsample']}", dim, output_dim, 7, "none", "tanh")

    def linear(self, prefix: str, cin: int, cout: int, activ: str) -> None:
        self.sd[f"{prefix}.fc.weight"] = self._normal((cout, cin), cin ** -0.5)
        self.sd[f"{prefix}.fc.bias"] = self._normal((cout,), 0.1)
        if activ == "prelu":
            self.sd[f"{prefix}.activation.weight"] = self.rng.uniform(0.05, 0.45, 1).astype(np.float32)


def munit_generator_state(input_dim: int, g: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """AdaINGen(input_dim, g).state_dict() with random values."""
    b = StateBuilder(rng)
    dim = g["dim"]
    b.conv_block("enc_style.model.0", input_dim, dim, 7, "none", g["activ"])
    for i in range(4):  # AdaINGen's StyleEncoder(4, ...): two widening, two keeping the width
        b.conv_block(f"enc_style.model.{i + 1}", dim, dim * 2 if i < 2 else dim, 4, "none", g["activ"])
        dim = dim * 2 if i < 2 else dim
    b.conv("enc_style.model.6", dim, g["style_dim"], 1)
    content_dim = b.content_encoder("enc_content", g, input_dim)
    b.decoder("dec", g, content_dim, input_dim, "adain")
    num_adain = 4 * content_dim * g["n_res"]
    b.linear("mlp.model.0", g["style_dim"], g["mlp_dim"], g["activ"])
    b.linear("mlp.model.1", g["mlp_dim"], g["mlp_dim"], g["activ"])
    b.linear("mlp.model.2", g["mlp_dim"], num_adain, "none")
    return b.sd


def unit_generator_state(input_dim: int, g: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """VAEGen(input_dim, g).state_dict() with random values."""
    b = StateBuilder(rng)
    b.decoder("dec", g, b.content_encoder("enc", g, input_dim), input_dim, "in")
    return b.sd


def discriminator_state(input_dim: int, d: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """MsImageDis(input_dim, d).state_dict() with random values."""
    b = StateBuilder(rng)
    for k in range(d["num_scales"]):
        dim = d["dim"]
        b.conv_block(f"cnns.{k}.0", input_dim, dim, 4, "none", d["activ"])
        for j in range(1, d["n_layer"]):
            b.conv_block(f"cnns.{k}.{j}", dim, 2 * dim, 4, d["norm"], d["activ"])
            dim *= 2
        b.conv(f"cnns.{k}.{d['n_layer']}", dim, 1, 1)
    return b.sd
