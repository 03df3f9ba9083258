"""Random state_dicts with the official keys and shapes of junyanz/pytorch-CycleGAN-and-pix2pix's
UnetGenerator and ResnetGenerator and NVlabs/SPADE's SPADEGenerator, written from the official module
structure (not from our loaders), for the conversion tests."""

from __future__ import annotations

import numpy as np

from tests.official_munit_state import StateBuilder
from tf_i2i.convert.state_dict import StateDict


def opt_lines(options: dict[str, object]) -> str:
    """The lines of a pytorch-CycleGAN-and-pix2pix / SPADE option file (key right-aligned, value padded,
    a default note after changed values)."""
    return "".join(f"{k:>25}: {str(v):<30}\t[default: x]\n" for k, v in sorted(options.items()))


def loaded(net, arrays: dict[str, np.ndarray], load):
    """`net` with an official state loaded by a converter function; every key must be used."""
    sd = StateDict(arrays)
    load(net, sd)
    sd.check_all_used()
    return net


class TorchState(StateBuilder):
    """StateBuilder plus the torch modules these generators use."""

    def conv2d(self, prefix: str, cin: int, cout: int, k: int, bias: bool = True, transposed: bool = False) -> None:
        """nn.Conv2d ([out, in, k, k]) or nn.ConvTranspose2d ([in, out, k, k])."""
        shape = (cin, cout, k, k) if transposed else (cout, cin, k, k)
        self.sd[f"{prefix}.weight"] = self._normal(shape, (cin * k * k) ** -0.5)
        if bias:
            self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)

    def bare_linear(self, prefix: str, cin: int, cout: int) -> None:
        """nn.Linear ([out, in])."""
        self.sd[f"{prefix}.weight"] = self._normal((cout, cin), cin ** -0.5)
        self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)

    def spectral_conv2d(self, prefix: str, cin: int, cout: int, k: int, bias: bool = True) -> None:
        """torch.nn.utils.spectral_norm(nn.Conv2d): weight_orig, weight_u, weight_v."""
        if bias:
            self.sd[f"{prefix}.bias"] = self._normal((cout,), 0.1)
        self.sd[f"{prefix}.weight_orig"] = self._normal((cout, cin, k, k), (cin * k * k) ** -0.5)
        self.sd[f"{prefix}.weight_u"] = self._unit(cout)
        self.sd[f"{prefix}.weight_v"] = self._unit(cin * k * k)

    def batch_norm(self, prefix: str, n: int, affine: bool = True) -> None:
        if affine:
            self.sd[f"{prefix}.weight"] = 1.0 + self._normal((n,), 0.2)
            self.sd[f"{prefix}.bias"] = self._normal((n,), 0.2)
        self.sd[f"{prefix}.running_mean"] = self._normal((n,), 0.3)
        self.sd[f"{prefix}.running_var"] = self.rng.uniform(0.5, 2.0, n).astype(np.float32)
        self.sd[f"{prefix}.num_batches_tracked"] = np.array(7, np.int64)


def unet_state(input_nc: int, output_nc: int, num_downs: int, ngf: int, rng) -> dict[str, np.ndarray]:
    """UnetGenerator(..., norm_layer=BatchNorm2d).state_dict(): nested UnetSkipConnectionBlocks,
    outermost [downconv, sub, uprelu, upconv, tanh], innermost [downrelu, downconv, uprelu, upconv,
    upnorm], others [downrelu, downconv, downnorm, sub, uprelu, upconv, upnorm(, dropout)]; convs
    without bias next to a batch norm."""
    b = TorchState(rng)
    widths = [(output_nc, ngf), (ngf, 2 * ngf), (2 * ngf, 4 * ngf), (4 * ngf, 8 * ngf)]
    widths += [(8 * ngf, 8 * ngf)] * (num_downs - 4)
    prefix = "model.model"
    for level, (outer, inner) in enumerate(widths):
        if level == 0:
            b.conv2d(f"{prefix}.0", input_nc, inner, 4, bias=False)
            b.conv2d(f"{prefix}.3", 2 * inner, outer, 4, transposed=True)
            prefix += ".1.model"
        elif level == num_downs - 1:
            b.conv2d(f"{prefix}.1", outer, inner, 4, bias=False)
            b.conv2d(f"{prefix}.3", inner, outer, 4, bias=False, transposed=True)
            b.batch_norm(f"{prefix}.4", outer)
        else:
            b.conv2d(f"{prefix}.1", outer, inner, 4, bias=False)
            b.batch_norm(f"{prefix}.2", inner)
            b.conv2d(f"{prefix}.5", 2 * inner, outer, 4, bias=False, transposed=True)
            b.batch_norm(f"{prefix}.6", outer)
            prefix += ".3.model"
    return b.sd


def resnet_state(input_nc: int, output_nc: int, n_blocks: int, ngf: int, rng) -> dict[str, np.ndarray]:
    """ResnetGenerator(..., norm_layer=InstanceNorm2d, use_dropout=False).state_dict(): `model.<i>` of
    pad, conv 7x7, norm, relu; two (conv 3x3 s2, norm, relu); n_blocks ResnetBlocks (conv_block.1
    and .5); two (convT 3x3 s2, norm, relu); pad, conv 7x7, tanh. Instance norm has no parameters."""
    b = TorchState(rng)
    b.conv2d("model.1", input_nc, ngf, 7)
    b.conv2d("model.4", ngf, 2 * ngf, 3)
    b.conv2d("model.7", 2 * ngf, 4 * ngf, 3)
    for i in range(10, 10 + n_blocks):
        b.conv2d(f"model.{i}.conv_block.1", 4 * ngf, 4 * ngf, 3)
        b.conv2d(f"model.{i}.conv_block.5", 4 * ngf, 4 * ngf, 3)
    up = 10 + n_blocks
    b.conv2d(f"model.{up}", 4 * ngf, 2 * ngf, 3, transposed=True)
    b.conv2d(f"model.{up + 3}", 2 * ngf, ngf, 3, transposed=True)
    b.conv2d(f"model.{up + 7}", ngf, output_nc, 7)
    return b.sd


def spade_generator_state(semantic_nc: int, ngf: int, rng, vae_grid: tuple[int, int] | None = None,
                          z_dim: int = 256) -> dict[str, np.ndarray]:
    """SPADEGenerator(opt).state_dict() for norm_G spectralspadesyncbatch3x3 and num_upsampling_layers
    normal: fc (conv 3x3 on the label map; with use_vae a Linear z_dim -> 16 ngf * sh * sw for
    vae_grid = (sh, sw)), head_0, G_middle_0/1, up_0..up_3
    (SPADEResnetBlocks: spectral conv_0, conv_1 and bias-free conv_s when the width changes; SPADE
    norm_0/1/s of param-free sync batch norm + mlp_shared.0, mlp_gamma, mlp_beta, nhidden 128), conv_img."""
    b = TorchState(rng)
    if vae_grid is None:
        b.conv2d("fc", semantic_nc, 16 * ngf, 3)
    else:
        b.bare_linear("fc", z_dim, 16 * ngf * vae_grid[0] * vae_grid[1])
    blocks = [("head_0", 16, 16), ("G_middle_0", 16, 16), ("G_middle_1", 16, 16), ("up_0", 16, 8), ("up_1", 8, 4),
              ("up_2", 4, 2), ("up_3", 2, 1)]
    for name, fin, fout in blocks:
        fin, fout = fin * ngf, fout * ngf
        fmiddle = min(fin, fout)
        norms = {"0": fin, "1": fmiddle, **({"s": fin} if fin != fout else {})}
        for n, channels in norms.items():
            b.batch_norm(f"{name}.norm_{n}.param_free_norm", channels, affine=False)
            b.conv2d(f"{name}.norm_{n}.mlp_shared.0", semantic_nc, 128, 3)
            b.conv2d(f"{name}.norm_{n}.mlp_gamma", 128, channels, 3)
            b.conv2d(f"{name}.norm_{n}.mlp_beta", 128, channels, 3)
        b.spectral_conv2d(f"{name}.conv_0", fin, fmiddle, 3)
        b.spectral_conv2d(f"{name}.conv_1", fmiddle, fout, 3)
        if fin != fout:
            b.spectral_conv2d(f"{name}.conv_s", fin, fout, 1, bias=False)
    b.conv2d("conv_img", ngf, 3, 3)
    return b.sd


def spade_encoder_state(ngf: int, crop_size: int, rng) -> dict[str, np.ndarray]:
    """ConvEncoder(opt).state_dict() for norm_E spectralinstance: layer1..layer5 (layer6 from crop_size
    256 on) as Sequential(spectral conv 3x3 without bias, parameter-free instance norm), then fc_mu and
    fc_var, Linear(8 ngf * 4 * 4 -> 256)."""
    b = TorchState(rng)
    widths = [(3, ngf), (ngf, 2 * ngf), (2 * ngf, 4 * ngf), (4 * ngf, 8 * ngf), (8 * ngf, 8 * ngf)]
    widths += [(8 * ngf, 8 * ngf)] * (crop_size >= 256)
    for i, (cin, cout) in enumerate(widths, start=1):
        b.spectral_conv2d(f"layer{i}.0", cin, cout, 3, bias=False)
    for name in ("fc_mu", "fc_var"):
        b.bare_linear(name, 8 * ngf * 16, 256)
    return b.sd
