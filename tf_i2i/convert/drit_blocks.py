"""Official DRIT / MDMM block layouts (HsinYingLee/DRIT src/networks.py) -> our tf_i2i.nets.drit_blocks.

Every official block is an nn.Sequential `model` (LeakyReLUConv2d: pad 0, conv 1; ReLUINSConv2d:
pad 0, conv 1, norm 2; INSResBlock: conv 1, norm 2, conv 5, norm 6; ReLUINSConvTranspose2d: conv 0,
LayerNorm 1). A conv under DRIT's spectral norm has weight_orig / weight / weight_u instead of weight.
"""

from __future__ import annotations

from tf_i2i.convert.assign import load_buffered_spectral_conv, load_conv_block, load_dense
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.layers import ConvBlock
from tf_i2i.nets.drit_blocks import (AttributeEncoder, AttributeEncoderVAE, AttrBasicBlock, ConcatDecoder,
                                     ContentDiscriminator, ContentEncoder, DritPatchDiscriminator, MisINSDecoder,
                                     MisINSResBlock)
from tf_i2i.nets.resnet_block import ResnetBlock

SD = StateDict | StateDictView


def load_drit_conv(block: ConvBlock, sd: StateDictView, norm_sd: StateDictView | None = None) -> None:
    """A conv (plain, or under DRIT's spectral norm) and, if our block has one, its norm module."""
    has_sn = sd.has("weight_orig")
    if has_sn != block.spectral_norm:
        raise ConversionError(f"{sd.prefix}: the checkpoint has {'a' if has_sn else 'no'} spectral-norm conv but "
                              f"our network has {'one' if block.spectral_norm else 'none'} "
                              "(official option dis_spectral_norm)")
    load_conv_block(block, sd, norm_sd, load_spectral=load_buffered_spectral_conv)


def load_leaky_conv(block: ConvBlock, sd: StateDictView) -> None:
    """[LeakyReLUConv2d] conv `model.1` (its InstanceNorm is never built: no `model.2` parameters)."""
    load_drit_conv(block, sd.sub("model.1"))


def load_relu_ins_conv(block: ConvBlock, sd: StateDictView) -> None:
    """[ReLUINSConv2d] conv `model.1`, parameter-free InstanceNorm2d `model.2`."""
    load_drit_conv(block, sd.sub("model.1"), sd.sub("model.2"))


def load_ins_res_block(block: ResnetBlock, sd: StateDictView) -> None:
    """[INSResBlock] convs `model.1` and `model.5` (norms `model.2`, `model.6` have no parameters)."""
    load_drit_conv(block.conv1, sd.sub("model.1"), sd.sub("model.2"))
    load_drit_conv(block.conv2, sd.sub("model.5"), sd.sub("model.6"))


def load_relu_ln_conv_transpose(block: ConvBlock, sd: StateDictView) -> None:
    """[ReLUINSConvTranspose2d] ConvTranspose2d `model.0`, LayerNorm `model.1` (weight/bias [C, 1, 1])."""
    load_drit_conv(block, sd.sub("model.0"), sd.sub("model.1"))


def load_content_encoder(enc: ContentEncoder, sd: StateDictView) -> None:
    """[convA / convB; MD_E_content's conv] blocks `0` (LeakyReLUConv2d), `1`, `2` (ReLUINSConv2d),
    then INSResBlocks; GaussianNoiseLayer has no parameters."""
    first, *downs = enc.blocks[:3]
    load_leaky_conv(first, sd.sub("0"))
    for i, block in enumerate(downs, start=1):
        load_relu_ins_conv(block, sd.sub(str(i)))
    for i, block in enumerate(enc.blocks[3:], start=3):
        load_ins_res_block(block, sd.sub(str(i)))


def _load_attr_basic_block(block: AttrBasicBlock, sd: StateDictView) -> None:
    """[BasicBlock] `conv.2` (3x3), `conv.4.1` (convMeanpool's 3x3), `shortcut.1` (meanpoolConv's 1x1)."""
    load_drit_conv(block.conv1, sd.sub("conv.2"))
    load_drit_conv(block.conv2, sd.sub("conv.4.1"))
    load_drit_conv(block.shortcut, sd.sub("shortcut.1"))


def load_attribute_encoder_vae(enc: AttributeEncoderVAE, conv: StateDictView, fc: StateDictView,
                               fc_var: StateDictView) -> None:
    """[E_attr_concat's conv_X / fc_X / fcVar_X] conv `1`, BasicBlocks `2`.., Linear `fc.0`, `fcVar.0`."""
    load_drit_conv(enc.stem, conv.sub("1"))
    for i, block in enumerate(enc.blocks, start=2):
        _load_attr_basic_block(block, conv.sub(str(i)))
    load_dense(enc.fc, fc.sub("0"))
    load_dense(enc.fc_var, fc_var.sub("0"))


def load_attribute_encoder(enc: AttributeEncoder, sd: StateDictView) -> None:
    """[E_attr's model_X] convs at `1`, `4`, `7`, `10`, `13` (pad, conv, ReLU triples), 1x1 conv after the pool."""
    for i, conv in enumerate(enc.convs):
        load_drit_conv(conv, sd.sub(str(1 + 3 * i)))
    load_drit_conv(enc.head, sd.sub(str(1 + 3 * len(enc.convs))))


def load_concat_decoder(dec: ConcatDecoder, sd: SD, prefix: str) -> None:
    """[G_concat's decX1..decX4 (prefix 'decA'), MD_G_multi_concat's dec1..dec4 (prefix 'dec')]:
    INSResBlocks `<p>1.<i>`, transposed convs `<p>2.0`, `<p>3.0`, the 1x1 transposed conv `<p>4.0`."""
    for i, block in enumerate(dec.res):
        load_ins_res_block(block, sd.sub(f"{prefix}1.{i}"))
    for i, up in enumerate(dec.up, start=2):
        load_relu_ln_conv_transpose(up, sd.sub(f"{prefix}{i}.0"))
    load_drit_conv(dec.head, sd.sub(f"{prefix}{len(dec.up) + 2}.0"))


def _load_mis_ins_res_block(block: MisINSResBlock, sd: StateDictView) -> None:
    """[MisINSResBlock] `conv1.0.1` / `conv2.0.1` (then a parameter-free IN `convX.1`),
    `blk1.0`, `blk1.2`, `blk2.0`, `blk2.2` (1x1 convs)."""
    load_drit_conv(block.conv1, sd.sub("conv1.0.1"), sd.sub("conv1.1"))
    load_drit_conv(block.conv2, sd.sub("conv2.0.1"), sd.sub("conv2.1"))
    for name, (first, second) in (("blk1", block.blk1), ("blk2", block.blk2)):
        load_drit_conv(first, sd.sub(f"{name}.0"))
        load_drit_conv(second, sd.sub(f"{name}.2"))


def load_mis_ins_decoder(dec: MisINSDecoder, sd: SD, blocks: str, mlp: str, tail: str | None = None) -> None:
    """[G's decX1..decX5 (blocks 'decA'), mlpX (mlp 'mlpA')]: MisINSResBlocks `<b>1`..`<b>4`, then
    `<b>5.0`, `<b>5.1` (transposed convs), `<b>5.2` (1x1); Linear layers `<mlp>.0`, `.2`, `.4`.
    `tail` names the last Sequential when it is not `<b>5` (MD_G_multi: blocks 'dec', tail 'decA5')."""
    for i, block in enumerate(dec.blocks, start=1):
        _load_mis_ins_res_block(block, sd.sub(f"{blocks}{i}"))
    last = sd.sub(tail or f"{blocks}{len(dec.blocks) + 1}")
    for i, up in enumerate(dec.up):
        load_relu_ln_conv_transpose(up, last.sub(str(i)))
    load_drit_conv(dec.head, last.sub(str(len(dec.up))))
    for i, dense in enumerate(dec.mlp):
        load_dense(dense, sd.sub(f"{mlp}.{2 * i}"))


def load_patch_discriminator(disc: DritPatchDiscriminator | ContentDiscriminator, sd: StateDictView) -> None:
    """[one MultiScaleDis scale `Diss.<k>`, Dis `model`, Dis_content `model`] LeakyReLUConv2d blocks
    `<j>`, then the bare 1x1 nn.Conv2d."""
    *blocks, logits = disc.blocks
    for j, block in enumerate(blocks):
        load_leaky_conv(block, sd.sub(str(j)))
    load_drit_conv(logits, sd.sub(str(len(blocks))))
