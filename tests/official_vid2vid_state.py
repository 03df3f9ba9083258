"""Random state_dicts with the official keys and shapes of NVIDIA/vid2vid's CompositeGenerator,
CompositeLocalGenerator and MultiscaleDiscriminator (norm 'batch' or 'instance'), written from the official module
lists in models/networks.py (not from our converter), for the conversion tests."""

from __future__ import annotations

import numpy as np

from tests.official_pix2pix_state import TorchState


class Vid2VidState(TorchState):
    """TorchState plus the module groups vid2vid's networks are made of. get_norm_layer's 'batch' is
    BatchNorm2d(affine=True); 'instance' is InstanceNorm2d(affine=False, track_running_stats=True),
    whose state is the running stats alone."""

    def __init__(self, rng, norm: str = "batch"):
        super().__init__(rng)
        self.affine = norm == "batch"

    def conv_bn(self, conv: str, bn: str, cin: int, cout: int, k: int, transposed: bool = False) -> None:
        self.conv2d(conv, cin, cout, k, transposed=transposed)
        self.batch_norm(bn, cout, affine=self.affine)

    def resnet_block(self, prefix: str, dim: int) -> None:
        """ResnetBlock(reflect): conv_block = [pad, conv, norm, relu, pad, conv, norm]."""
        self.conv_bn(f"{prefix}.conv_block.1", f"{prefix}.conv_block.2", dim, dim, 3)
        self.conv_bn(f"{prefix}.conv_block.5", f"{prefix}.conv_block.6", dim, dim, 3)

    def down_sequential(self, prefix: str, cin: int, ngf: int, n_down: int, n_blocks: int) -> None:
        """[pad, conv7, norm, relu] + [conv3 s2, norm, relu] * n_down + ResnetBlocks."""
        self.conv_bn(f"{prefix}.1", f"{prefix}.2", cin, ngf, 7)
        for i in range(n_down):
            self.conv_bn(f"{prefix}.{4 + 3 * i}", f"{prefix}.{5 + 3 * i}", ngf * 2 ** i, ngf * 2 ** (i + 1), 3)
        for j in range(n_blocks):
            self.resnet_block(f"{prefix}.{4 + 3 * n_down + j}", ngf * 2 ** n_down)

    def up_sequential(self, prefix: str, width: int, n_up: int, start: int = 0) -> None:
        """[convT3 s2, norm, relu] * n_up from index `start`, halving `width` each time."""
        for i in range(n_up):
            w = width // 2 ** i
            self.conv_bn(f"{prefix}.{start + 3 * i}", f"{prefix}.{start + 3 * i + 1}", w, w // 2, 3, transposed=True)

    def final_convs(self, ngf: int, output_nc: int, no_flow: bool) -> None:
        """model_final_img (pad, conv7, tanh) and, with flow, model_final_flow / model_final_w."""
        self.conv2d("model_final_img.1", ngf, output_nc, 7)
        if not no_flow:
            self.conv2d("model_final_flow.1", ngf, 2, 7)
            self.conv2d("model_final_w.1", ngf, 1, 7)


def composite_generator_state(input_nc: int, prev_nc: int, ngf: int, n_down: int, n_blocks: int,
                              fg: bool, no_flow: bool, rng, output_nc: int = 3,
                              norm: str = "batch") -> dict[str, np.ndarray]:
    """CompositeGenerator(opt, input_nc, output_nc, prev_output_nc, ngf, n_down, n_blocks, fg, no_flow,
    get_norm_layer(norm)).state_dict()."""
    b = Vid2VidState(rng, norm)
    width, n_first = ngf * 2 ** n_down, n_blocks - n_blocks // 2
    if fg:
        indv = ngf // 2 if n_down > 2 else ngf
        b.down_sequential("indv_down", input_nc, indv, n_down, 0)
        for j in range(n_blocks):
            b.resnet_block(f"indv_res.{j}", indv * 2 ** n_down)
        b.up_sequential("indv_up", indv * 2 ** n_down, n_down)
        b.conv2d("indv_final.1", indv, output_nc, 7)
    b.down_sequential("model_down_seg", input_nc, ngf, n_down, n_first)
    b.down_sequential("model_down_img", prev_nc, ngf, n_down, n_first)
    for branch in ("img",) if no_flow else ("img", "flow"):
        for j in range(n_blocks // 2):
            b.resnet_block(f"model_res_{branch}.{j}", width)
        b.up_sequential(f"model_up_{branch}", width, n_down)
    b.final_convs(ngf, output_nc, no_flow)
    return b.sd


def composite_local_state(input_nc: int, prev_nc: int, ngf: int, n_down: int, n_blocks_local: int,
                          fg: bool, no_flow: bool, rng, output_nc: int = 3) -> dict[str, np.ndarray]:
    """CompositeLocalGenerator(opt, ..., ngf, n_down, n_blocks_local, fg, no_flow, BatchNorm2d,
    scale).state_dict(): the decoders keep their residual blocks and transposed conv in one Sequential."""
    b = Vid2VidState(rng)
    if fg:
        indv = ngf // 2 if n_down > 2 else ngf
        b.down_sequential("indv_down", input_nc, indv, 1, 0)
        for j in range(n_blocks_local):
            b.resnet_block(f"indv_up.{j}", 2 * indv)
        b.up_sequential("indv_up", 2 * indv, 1, start=n_blocks_local)
        b.conv2d("indv_final.1", indv, output_nc, 7)
    b.down_sequential("model_down_seg", input_nc, ngf, 1, 0)
    b.down_sequential("model_down_img", prev_nc, ngf, 1, 0)
    for branch in ("img",) if no_flow else ("img", "flow"):
        for j in range(n_blocks_local):
            b.resnet_block(f"model_up_{branch}.{j}", 2 * ngf)
        b.up_sequential(f"model_up_{branch}", 2 * ngf, 1, start=n_blocks_local)
    b.final_convs(ngf, output_nc, no_flow)
    return b.sd


def multiscale_discriminator_state(input_nc: int, ndf: int, n_layers: int, num_d: int, interm: bool,
                                   rng, norm: str = "batch") -> dict[str, np.ndarray]:
    """vid2vid's MultiscaleDiscriminator(input_nc, ndf, n_layers, BatchNorm2d, num_D, getIntermFeat):
    NLayerDiscriminator i with min(64, ndf * 2**(num_D-1-i)) filters, as `scale<i>_layer<j>.0/.1`
    with getIntermFeat, else one Sequential `layer<i>` (conv, lrelu, [conv, norm, lrelu]*, conv)."""
    b = Vid2VidState(rng, norm)
    for i in range(num_d):
        nf = min(64, ndf * 2 ** (num_d - 1 - i))
        widths = [(input_nc, nf)]
        for _ in range(n_layers):
            widths.append((nf, min(nf * 2, 512)))
            nf = min(nf * 2, 512)
        widths.append((nf, 1))
        for j, (cin, cout) in enumerate(widths):
            normed = 0 < j < len(widths) - 1
            conv = f"scale{i}_layer{j}.0" if interm else f"layer{i}.{0 if j == 0 else 3 * j - 1}"
            norm_key = f"scale{i}_layer{j}.1" if interm else f"layer{i}.{3 * j}"
            b.conv2d(conv, cin, cout, 4)
            if normed:
                b.batch_norm(norm_key, cout, affine=b.affine)
    return b.sd
