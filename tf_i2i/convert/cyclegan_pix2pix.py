"""Official junyanz/pytorch-CycleGAN-and-pix2pix module paths -> our nets (ResnetGenerator,
UnetGenerator, NLayerDiscriminator, PixelDiscriminator), and the official constructor options ->
our built networks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.assign import load_conv_block, load_norm
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.nets import (NLayerDiscriminator, PixelDiscriminator, ResnetGenerator, UnetGenerator,
                         define_discriminator, define_generator)
from tf_i2i.nets.patchgan import BlockStackDiscriminator

# Official get_norm_layer names -> ours ('instance' is affine=False without running stats in both).
OFFICIAL_NORMS = {"batch": "batch", "instance": "instance", "none": "none"}
OFFICIAL_NETG = {"resnet_9blocks": ("resnet", 9), "resnet_6blocks": ("resnet", 6),
                 "unet_128": ("unet", 7), "unet_256": ("unet", 8)}
OFFICIAL_NETD = ("basic", "n_layers", "pixel")
PADDING_TYPES = ("reflect", "replicate", "zero")
# define_G/define_D arguments that do not change the architecture or the state_dict keys.
_NOT_ARCHITECTURE = {"init_type", "init_gain", "gpu_ids"}
_GENERATOR_KEYS = {"input_nc", "output_nc", "ngf", "netG", "num_downs", "n_blocks", "norm",
                   "use_dropout", "padding_type"} | _NOT_ARCHITECTURE
_DISCRIMINATOR_KEYS = {"input_nc", "ndf", "netD", "n_layers_D", "n_layers", "norm"} | _NOT_ARCHITECTURE

SD = StateDict | StateDictView


def load_stem_and_downsampling(gen, m: SD) -> int:
    """The head of the official ResNet-style nn.Sequential (CycleGAN and pix2pixHD generators):
    reflect pad 0, conv 1, norm 2, relu 3, then conv, norm, relu per stride-2 conv. Returns the
    index of the next module."""
    load_conv_block(gen.stem, m.sub("1"), m.sub("2"))
    i = 4
    for down in gen.down:
        load_conv_block(down, m.sub(str(i)), m.sub(str(i + 1)))
        i += 3
    return i


def load_resnet_generator(gen: ResnetGenerator, sd: SD) -> None:
    """`model.<i>` indices of the official nn.Sequential: pad, conv, norm, relu per stem; conv, norm,
    relu per down/up; one ResnetBlock each (its own `conv_block.<j>` indices, shifted by dropout)."""
    m = sd.sub("model")
    i = load_stem_and_downsampling(gen, m)
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


def load_unet_generator(gen: UnetGenerator, sd: SD) -> None:
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
            _load_optional_norm(gen.up_norms[level], module.sub("4"))
        else:
            load_conv_block(gen.down_convs[level], module.sub("1"))
            _load_optional_norm(gen.down_norms[level], module.sub("2"))
            load_conv_block(gen.up_convs[level], module.sub("5"))
            _load_optional_norm(gen.up_norms[level], module.sub("6"))
            module = module.sub("3").sub("model")


def _load_optional_norm(norm: keras.layers.Layer | None, sd: StateDictView) -> None:
    """norm 'none' is an official Identity module (no parameters) and no layer of ours."""
    if norm is not None:
        load_norm(norm, sd)


def nlayerofficial_block_modules(n_layers: int) -> list[list[int]]:
    """Official `model.<i>` indices of each of our blocks' stages (conv[, norm], lrelu), logits last.
    With norm 'none' the official code still inserts an Identity module, which keeps the indices."""
    blocks = [[0, 1]]
    i = 2
    for _ in range(n_layers):
        blocks.append([i, i + 1, i + 2])
        i += 3
    blocks.append([i])
    return blocks


def pixelofficial_block_modules() -> list[list[int]]:
    """Official `net.<i>` indices per block: conv, lrelu | conv, norm, lrelu | conv."""
    return [[0, 1], [2, 3, 4], [5]]


def official_block_modules(disc: BlockStackDiscriminator) -> tuple[str, list[list[int]]]:
    """The official Sequential's attribute name and module indices of each of our blocks."""
    if isinstance(disc, NLayerDiscriminator):
        return "model", nlayerofficial_block_modules(disc.n_layers)
    if isinstance(disc, PixelDiscriminator):
        return "net", pixelofficial_block_modules()
    raise ConversionError(f"no official module layout for {type(disc).__name__}")


def load_discriminator(disc: BlockStackDiscriminator, sd: SD) -> None:
    """Loads an official NLayerDiscriminator (`model.<i>`) or PixelDiscriminator (`net.<i>`)."""
    attr, modules = official_block_modules(disc)
    seq = sd.sub(attr)
    for block, idx in zip(disc.blocks, modules):
        norm = seq.sub(str(idx[1])) if len(idx) == 3 and block.norm is not None else None
        load_conv_block(block, seq.sub(str(idx[0])), norm)


def load_generator(gen: keras.Model, sd: SD) -> None:
    """Loads an official ResnetGenerator or UnetGenerator state_dict into ours."""
    if isinstance(gen, ResnetGenerator):
        load_resnet_generator(gen, sd)
    elif isinstance(gen, UnetGenerator):
        load_unet_generator(gen, sd)
    else:
        raise ConversionError(f"no official module layout for {type(gen).__name__}")


def _check_keys(opts: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(opts) - allowed)
    if unknown:
        raise ConversionError(f"unknown official {what} option(s) {unknown}; known: {sorted(allowed)}")


def _int(opts: Mapping[str, Any], key: str, default: int | None = None, minimum: int = 1) -> int:
    value = opts.get(key, default)
    if value is None:
        raise ConversionError(f"official option {key!r} is required")
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConversionError(f"official option {key}={value!r} must be an integer >= {minimum}")
    return value


def _choice(opts: Mapping[str, Any], key: str, choices, default: str) -> str:
    value = opts.get(key, default)
    if value not in choices:
        raise ConversionError(f"unknown official {key}={value!r}; the official code offers {sorted(choices)}")
    return value


def _count(opts: Mapping[str, Any], key: str, from_name: int | None) -> int:
    """An explicit class argument (num_downs, n_blocks) must agree with the netG name if both are given."""
    if key not in opts:
        return from_name
    value = _int(opts, key, minimum=0)
    if from_name is not None and value != from_name:
        raise ConversionError(f"official options contradict: netG={opts['netG']!r} means {key}={from_name}, "
                              f"but {key}={value}")
    return value


def _generator_arch(opts: Mapping[str, Any]) -> tuple[str, int]:
    """(kind, count) from netG (define_G) or from the class arguments num_downs / n_blocks."""
    kind, count = None, None
    if "netG" in opts:
        kind, count = OFFICIAL_NETG[_choice(opts, "netG", OFFICIAL_NETG, "")]
    explicit = [k for k, key in (("unet", "num_downs"), ("resnet", "n_blocks")) if key in opts]
    if len(explicit) > 1 or (kind and explicit and explicit[0] != kind):
        raise ConversionError(f"official generator options mix ResNet and U-Net arguments: {dict(opts)}")
    kind = kind or (explicit[0] if explicit else None)
    if kind is None:
        raise ConversionError(f"official generator options need netG, num_downs or n_blocks: {dict(opts)}")
    return kind, _count(opts, "num_downs" if kind == "unet" else "n_blocks", count)


def _built(net: keras.Model, channels: int, size: int) -> keras.Model:
    """Creates the variables (our layers infer input channels on the first call)."""
    net(np.zeros((1, size, size, channels), np.float32), training=False)
    return net


def build_generator_from_official(opts: Mapping[str, Any], name: str | None = None) -> keras.Model:
    """Our built generator for official define_G options (netG, input_nc, output_nc, ngf, norm,
    use_dropout) or UnetGenerator/ResnetGenerator class arguments (num_downs, n_blocks, padding_type).
    Defaults are the official signatures': norm 'batch', ngf 64, no dropout, reflect padding."""
    _check_keys(opts, _GENERATOR_KEYS, "generator")
    kind, count = _generator_arch(opts)
    if "padding_type" in opts and kind != "resnet":
        raise ConversionError("official option padding_type only exists for ResNet generators")
    use_dropout = opts.get("use_dropout", False)
    if not isinstance(use_dropout, bool):
        raise ConversionError(f"official option use_dropout={use_dropout!r} must be true or false")
    netG = f"resnet_{count}blocks" if kind == "resnet" else f"unet_{count}downs"
    gen = define_generator(
        netG, output_nc=_int(opts, "output_nc"), ngf=_int(opts, "ngf", 64),
        norm=OFFICIAL_NORMS[_choice(opts, "norm", OFFICIAL_NORMS, "batch")], use_dropout=use_dropout,
        padding_type=_choice(opts, "padding_type", PADDING_TYPES, "reflect"), name=name)
    # ResNet: reflection padding needs >= 2 px at the bottleneck; U-Net: exactly 1 px at the bottom.
    return _built(gen, _int(opts, "input_nc"), max(gen.size_multiple, 8))


def build_discriminator_from_official(opts: Mapping[str, Any], name: str | None = None) -> keras.Model:
    """Our built discriminator for official define_D options (netD basic/n_layers/pixel, input_nc,
    ndf, n_layers_D, norm) or NLayerDiscriminator class arguments (n_layers without netD)."""
    _check_keys(opts, _DISCRIMINATOR_KEYS, "discriminator")
    if "netD" in opts:
        netD = _choice(opts, "netD", OFFICIAL_NETD, "")
        n_layers = 3 if netD == "basic" else _int(opts, "n_layers_D", 3)
    elif "n_layers" in opts:
        netD, n_layers = "n_layers", _int(opts, "n_layers")
    else:
        raise ConversionError(f"official discriminator options need netD or n_layers: {dict(opts)}")
    disc = define_discriminator(netD, ndf=_int(opts, "ndf", 64), n_layers_D=n_layers,
                                norm=OFFICIAL_NORMS[_choice(opts, "norm", OFFICIAL_NORMS, "batch")],
                                name=name)
    # Each k4 s2 conv halves the size and the two k4 s1 convs take 1 px each: 4 * 2**n fits.
    size = 1 if netD == "pixel" else 4 * 2 ** n_layers
    return _built(disc, _int(opts, "input_nc"), size)
