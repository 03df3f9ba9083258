"""Official junyanz/pytorch-CycleGAN-and-pix2pix module paths -> our nets (ResnetGenerator,
UnetGenerator, NLayerDiscriminator, PixelDiscriminator)."""

from __future__ import annotations

from tf_i2i.convert.assign import load_conv_block, load_norm
from tf_i2i.convert.state_dict import StateDictView
from tf_i2i.nets import NLayerDiscriminator, PixelDiscriminator, ResnetGenerator, UnetGenerator


def load_resnet_generator(gen: ResnetGenerator, sd: StateDictView) -> None:
    """`model.<i>` indices of the official nn.Sequential: pad, conv, norm, relu per stem; conv, norm,
    relu per down/up; one ResnetBlock each (its own `conv_block.<j>` indices, shifted by dropout)."""
    m = sd.sub("model")
    load_conv_block(gen.stem, m.sub("1"), m.sub("2"))
    i = 4
    for down in gen.down:
        load_conv_block(down, m.sub(str(i)), m.sub(str(i + 1)))
        i += 3
    # Zero padding is the conv's own (no pad module), which shifts the block's indices by one.
    first = 0 if gen.pad_mode == "zero" else 1
    second = first + (4 if gen.use_dropout else 3) + first
    for block in gen.blocks:
        cb = m.sub(f"{i}.conv_block")
        load_conv_block(block.conv1, cb.sub(str(first)), cb.sub(str(first + 1)))
        load_conv_block(block.conv2, cb.sub(str(second)), cb.sub(str(second + 1)))
        i += 1
    for up in gen.up:
        load_conv_block(up, m.sub(str(i)), m.sub(str(i + 1)))
        i += 3
    load_conv_block(gen.head, m.sub(str(i + 1)))


def load_unet_generator(gen: UnetGenerator, sd: StateDictView) -> None:
    """The official UNet is recursive: level l lives under `model.` + `model.1.` + (`model.3.` * (l-1))
    wrapped as `model.model...`; inside a level: outermost [down 0, sub 1, relu, up 3, tanh],
    innermost [lrelu, down 1, relu, up 3, norm 4], others [lrelu, down 1, norm 2, sub 3, relu, up 5, norm 6]."""
    last = gen.num_downs - 1
    module = sd.sub("model").sub("model")
    for level in range(gen.num_downs):
        if level == 0:
            load_conv_block(gen.down_convs[0], module.sub("0"))
            load_conv_block(gen.up_convs[0], module.sub("3"))
            module = module.sub("1").sub("model")
        elif level == last:
            load_conv_block(gen.down_convs[level], module.sub("1"))
            load_conv_block(gen.up_convs[level], module.sub("3"))
            load_norm(gen.up_norms[level], module.sub("4"))
        else:
            load_conv_block(gen.down_convs[level], module.sub("1"))
            load_norm(gen.down_norms[level], module.sub("2"))
            load_conv_block(gen.up_convs[level], module.sub("5"))
            load_norm(gen.up_norms[level], module.sub("6"))
            module = module.sub("3").sub("model")


def nlayer_block_modules(n_layers: int) -> list[list[int]]:
    """Official `model.<i>` indices of each of our blocks' stages (conv[, norm], lrelu), logits last.
    With norm 'none' the official code still inserts an Identity module, which keeps the indices."""
    blocks = [[0, 1]]
    i = 2
    for _ in range(n_layers):
        blocks.append([i, i + 1, i + 2])
        i += 3
    blocks.append([i])
    return blocks


def load_nlayer_discriminator(disc: NLayerDiscriminator, sd: StateDictView) -> None:
    """Loads the official NLayerDiscriminator (`model.<i>` Sequential)."""
    m = sd.sub("model")
    for block, idx in zip(disc.blocks, nlayer_block_modules(disc.n_layers)):
        norm = m.sub(str(idx[1])) if len(idx) == 3 and block.norm is not None else None
        load_conv_block(block, m.sub(str(idx[0])), norm)


def load_pixel_discriminator(disc: PixelDiscriminator, sd: StateDictView) -> None:
    """Loads the official PixelDiscriminator (`net.<i>`: conv, lrelu, conv, norm, lrelu, conv)."""
    n = sd.sub("net")
    load_conv_block(disc.blocks[0], n.sub("0"))
    load_conv_block(disc.blocks[1], n.sub("2"), n.sub("3"))
    load_conv_block(disc.blocks[2], n.sub("5"))
