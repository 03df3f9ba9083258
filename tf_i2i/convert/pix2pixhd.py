"""Official NVIDIA/pix2pixHD module paths -> our networks (GlobalGenerator, LocalEnhancer,
MultiscaleDiscriminator, FeatureEncoder), and the official flat option namespace (base/train
options as Pix2PixHDModel.initialize reads them) -> our built networks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.assign import load_conv_block
from tf_i2i.convert.cyclegan_pix2pix import load_stem_and_downsampling
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.models.pix2pixhd import EnhancerLevel, FeatureEncoder, GlobalGenerator, LocalEnhancer
from tf_i2i.nets import MultiscaleDiscriminator, ResnetBlock
from tf_i2i.nets.patchgan import NLayerDiscriminator

# Official option defaults (options/base_options.py, train_options.py) for the options that shape
# the networks; get_norm_layer offers 'instance' (affine=False) and 'batch' only.
OFFICIAL_DEFAULTS = dict(
    netG="global", ngf=64, n_downsample_global=4, n_blocks_global=9, n_local_enhancers=1,
    n_blocks_local=3, norm="instance", label_nc=35, input_nc=3, output_nc=3, no_instance=False,
    instance_feat=False, label_feat=False, feat_num=3, nef=16, n_downsample_E=4, ndf=64,
    n_layers_D=3, num_D=2, no_lsgan=False, no_ganFeat_loss=False)
OFFICIAL_NORMS = ("instance", "batch")
OFFICIAL_NETG = ("global", "local")

SD = StateDict | StateDictView


def option(opts: Mapping[str, Any], key: str):
    """An official option, its official default when absent; type-checked like the official parser."""
    value = opts.get(key, OFFICIAL_DEFAULTS[key])
    default = OFFICIAL_DEFAULTS[key]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ConversionError(f"official option {key}={value!r} has the wrong type (default {default!r})")
    if key == "norm" and value not in OFFICIAL_NORMS:
        raise ConversionError(f"unknown official norm={value!r}; the official code offers {OFFICIAL_NORMS}")
    if key == "netG" and value not in OFFICIAL_NETG:
        raise ConversionError(f"unknown official netG={value!r}; expected one of {OFFICIAL_NETG} "
                              "('encoder' is netE, built from feat_num/nef/n_downsample_E)")
    return value


def uses_features(opts: Mapping[str, Any]) -> bool:
    """Whether the official model has netE (instance_feat or label_feat)."""
    return option(opts, "instance_feat") or option(opts, "label_feat")


def label_channels(opts: Mapping[str, Any]) -> int:
    """Channels of encode_input's input_label: one-hot label_nc (or input_nc if label_nc is 0) + edges."""
    base = option(opts, "label_nc") or option(opts, "input_nc")
    return base + (0 if option(opts, "no_instance") else 1)


def generator_input_channels(opts: Mapping[str, Any]) -> int:
    return label_channels(opts) + (option(opts, "feat_num") if uses_features(opts) else 0)


def discriminator_input_channels(opts: Mapping[str, Any]) -> int:
    return label_channels(opts) + option(opts, "output_nc")


def _built(net: keras.Model, channels: int, size: int, *extra) -> keras.Model:
    """Creates the variables (our layers infer input channels on the first call)."""
    net(np.zeros((1, size, size, channels), np.float32), *extra, training=False)
    return net


def build_generator_from_official(opts: Mapping[str, Any], name: str | None = None) -> keras.Model:
    """netG: GlobalGenerator ('global') or LocalEnhancer ('local') from the official options."""
    norm = option(opts, "norm")
    kw = dict(output_nc=option(opts, "output_nc"), ngf=option(opts, "ngf"), norm=norm, name=name)
    if option(opts, "netG") == "global":
        gen = GlobalGenerator(n_downsampling=option(opts, "n_downsample_global"),
                              n_blocks=option(opts, "n_blocks_global"), **kw)
    else:
        gen = LocalEnhancer(n_downsample_global=option(opts, "n_downsample_global"),
                            n_blocks_global=option(opts, "n_blocks_global"),
                            n_local_enhancers=option(opts, "n_local_enhancers"),
                            n_blocks_local=option(opts, "n_blocks_local"), **kw)
    # Reflection padding in the residual blocks needs >= 2 px at the bottleneck.
    return _built(gen, generator_input_channels(opts), 2 * gen.size_multiple)


def build_discriminator_from_official(opts: Mapping[str, Any], name: str | None = None) -> MultiscaleDiscriminator:
    """netD = define_D(ndf, n_layers_D, norm, use_sigmoid=no_lsgan, num_D, getIntermFeat=not no_ganFeat_loss).

    With getIntermFeat the official NLayerDiscriminator keeps its sigmoid in a submodule that no
    forward runs (and MultiscaleDiscriminator does not even copy), so it applies only without it."""
    interm = not option(opts, "no_ganFeat_loss")
    n_layers = option(opts, "n_layers_D")
    disc = MultiscaleDiscriminator(ndf=option(opts, "ndf"), n_layers=n_layers, norm=option(opts, "norm"),
                                   use_sigmoid=option(opts, "no_lsgan") and not interm,
                                   num_D=option(opts, "num_D"), get_interm_feat=interm, name=name)
    return _built(disc, discriminator_input_channels(opts), 4 * 2 ** n_layers)


def build_encoder_from_official(opts: Mapping[str, Any], name: str | None = None) -> FeatureEncoder:
    """netE = Encoder(output_nc -> feat_num, nef, n_downsample_E, norm), present with instance/label features."""
    if not uses_features(opts):
        raise ConversionError("the official model has no netE without --instance_feat or --label_feat")
    enc = FeatureEncoder(output_nc=option(opts, "feat_num"), ngf=option(opts, "nef"),
                         n_downsampling=option(opts, "n_downsample_E"), norm=option(opts, "norm"), name=name)
    size = 2 * enc.size_multiple
    return _built(enc, option(opts, "output_nc"), size, np.zeros((1, size, size, 1), np.int32))


def load_resnet_block(block: ResnetBlock, sd: SD) -> None:
    """`conv_block.<j>`: [pad,] conv, norm, relu, [pad,] conv, norm (zero padding is the conv's own)."""
    first = 0 if block.pad_mode == "zero" else 1
    second = 2 * first + 3
    load_conv_block(block.conv1, sd.sub(str(first)), sd.sub(str(first + 1)))
    load_conv_block(block.conv2, sd.sub(str(second)), sd.sub(str(second + 1)))


def load_global_generator(gen: GlobalGenerator, sd: SD) -> None:
    """`model.<i>`: pad 0, conv 1, norm 2, relu 3; 3 modules per down conv; 1 per residual block;
    3 per transposed conv; then pad, conv, tanh (absent in the LocalEnhancer's copy)."""
    m = sd.sub("model")
    i = load_stem_and_downsampling(gen, m)
    for block in gen.blocks:
        load_resnet_block(block, m.sub(f"{i}.conv_block"))
        i += 1
    for up in gen.up:
        load_conv_block(up, m.sub(str(i)), m.sub(str(i + 1)))
        i += 3
    if gen.head is not None:
        load_conv_block(gen.head, m.sub(str(i + 1)))


def load_enhancer_level(level: EnhancerLevel, sd: SD, n: int) -> None:
    """`model<n>_1`: pad, conv, norm, relu, conv, norm, relu; `model<n>_2`: the residual blocks, then
    transposed conv, norm, relu and, on the finest level, pad, conv, tanh."""
    down = sd.sub(f"model{n}_1")
    load_conv_block(level.stem, down.sub("1"), down.sub("2"))
    load_conv_block(level.down, down.sub("4"), down.sub("5"))
    up = sd.sub(f"model{n}_2")
    for j, block in enumerate(level.blocks):
        load_resnet_block(block, up.sub(f"{j}.conv_block"))
    i = len(level.blocks)
    load_conv_block(level.up, up.sub(str(i)), up.sub(str(i + 1)))
    if level.head is not None:
        load_conv_block(level.head, up.sub(str(i + 4)))


def load_generator(gen: keras.Model, sd: SD) -> None:
    """Loads an official GlobalGenerator or LocalEnhancer state_dict (netG) into ours."""
    if isinstance(gen, GlobalGenerator):
        load_global_generator(gen, sd)
    elif isinstance(gen, LocalEnhancer):
        load_global_generator(gen.global_net, sd)
        for n, level in enumerate(gen.levels, start=1):
            load_enhancer_level(level, sd, n)
    else:
        raise ConversionError(f"no official pix2pixHD module layout for {type(gen).__name__}")


def _load_patchgan(scale: NLayerDiscriminator, modules: list[tuple[SD, SD | None]]) -> None:
    for block, (conv_sd, norm_sd) in zip(scale.blocks, modules):
        load_conv_block(block, conv_sd, norm_sd if block.norm is not None else None)


def load_discriminator(disc: MultiscaleDiscriminator, sd: SD) -> None:
    """Our scale k (k = 0 full resolution) is the official scale{num_D-1-k}: with getIntermFeat
    `scale<s>_layer<j>.0` conv / `.1` norm; without it one Sequential `layer<s>.<i>` (conv 0, lrelu 1,
    then conv, norm, lrelu per layer, conv last)."""
    for k, scale in enumerate(disc.scales):
        s = disc.num_D - 1 - k
        if disc.get_interm_feat:
            modules = [(sd.sub(f"scale{s}_layer{j}.0"), sd.sub(f"scale{s}_layer{j}.1"))
                       for j in range(len(scale.blocks))]
        else:
            seq = sd.sub(f"layer{s}")
            modules = [(seq.sub("0"), None)]
            modules += [(seq.sub(str(2 + 3 * j)), seq.sub(str(3 + 3 * j))) for j in range(scale.n_layers + 1)]
        _load_patchgan(scale, modules)


def load_encoder(enc: FeatureEncoder, sd: SD) -> None:
    """netE's `model.<i>` is the GlobalGenerator layout without residual blocks."""
    load_global_generator(enc.net, sd)
