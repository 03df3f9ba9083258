"""Official NVIDIA/vid2vid module paths -> our networks (netG0 CompositeGenerator, netG<s>
CompositeLocalGenerator, netD and netD_T<s> MultiscaleDiscriminators), and the official flat option
namespace (base/train options as Vid2VidModelG/D.initialize read them) -> our built networks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from tf_i2i.convert.assign import load_conv_block
from tf_i2i.convert.cyclegan_pix2pix import load_stem_and_downsampling
from tf_i2i.convert.opt_file import typed_option
from tf_i2i.convert.pix2pixhd import load_discriminator, load_resnet_block
from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView
from tf_i2i.models.vid2vid import CompositeGenerator, CompositeLocalGenerator
from tf_i2i.models.vid2vid.networks import CompositeBase, DownEncoder, UpDecoder
from tf_i2i.nets import MultiscaleDiscriminator

# Official defaults (options/base_options.py, train_options.py) of the options that shape the networks.
OFFICIAL_DEFAULTS = dict(
    netG="composite", ngf=128, n_downsample_G=3, n_blocks=9, n_blocks_local=3, norm="batch", label_nc=0,
    input_nc=3, output_nc=3, use_instance=False, n_frames_G=3, n_scales_spatial=1, fg=False, fg_labels="26",
    no_flow=False, openpose_only=False, ndf=64, n_layers_D=3, num_D=2, no_ganFeat=False, n_frames_D=3,
    n_scales_temporal=2)
SUPPORTED = {"netG": ("composite",), "norm": ("batch", "instance")}
# get_norm_layer: 'instance' is InstanceNorm2d(affine=False, track_running_stats=True).
OUR_NORM = {"batch": "batch", "instance": "instance_tracked"}
SCALE_NDF_MAX = 64  # vid2vid's MultiscaleDiscriminator: scale k starts at min(64, ndf * 2**k) filters

SD = StateDict | StateDictView


def option(opts: Mapping[str, Any], key: str):
    """An official option (its default when absent), type-checked; network choices we lack raise."""
    if key == "fg_labels":
        return fg_labels(opts)
    value = typed_option(opts, key, OFFICIAL_DEFAULTS)
    if key in SUPPORTED and value not in SUPPORTED[key]:
        raise ConversionError(f"official {key}={value!r} is not supported; expected one of {SUPPORTED[key]}")
    return value


def fg_labels(opts: Mapping[str, Any]) -> list[int]:
    """--fg_labels as the parsed list of class ids (an option file holds the '7,9' string)."""
    value = opts.get("fg_labels", OFFICIAL_DEFAULTS["fg_labels"])
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.split(",") if v.strip()]
        except ValueError:
            raise ConversionError(f"official option fg_labels={value!r} is not a comma-separated id list") from None
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ConversionError(f"official option fg_labels={value!r} must be a list of class ids")
    return list(value)


def no_flow(opts: Mapping[str, Any]) -> bool:
    """--no_flow, which --openpose_only also sets (Vid2VidModelG.initialize)."""
    return option(opts, "no_flow") or option(opts, "openpose_only")


def label_channels(opts: Mapping[str, Any]) -> int:
    """Channels of one encoded label frame: one-hot label_nc (input_nc when it is 0) + instance edges."""
    return (option(opts, "label_nc") or option(opts, "input_nc")) + int(option(opts, "use_instance"))


def generator_input_channels(opts: Mapping[str, Any]) -> int:
    return option(opts, "n_frames_G") * label_channels(opts)


def previous_frame_channels(opts: Mapping[str, Any]) -> int:
    return (option(opts, "n_frames_G") - 1) * option(opts, "output_nc")


def temporal_input_channels(opts: Mapping[str, Any]) -> int:
    """n_frames_D frames and n_frames_D - 1 flows."""
    n = option(opts, "n_frames_D")
    return option(opts, "output_nc") * n + 2 * (n - 1)


def build_generator_from_official(opts: Mapping[str, Any], scale: int = 0, align_corners: bool = True,
                                  name: str | None = None) -> CompositeBase:
    """netG<scale>: CompositeGenerator at scale 0; CompositeLocalGenerator with ngf // 2**scale above.
    `align_corners` picks the warp's pixel grid (FlowWarp): True as the official code was written."""
    n_scales = option(opts, "n_scales_spatial")
    if not 0 <= scale < n_scales:
        raise ConversionError(f"netG{scale} does not exist with n_scales_spatial={n_scales}")
    option(opts, "netG")
    common = dict(output_nc=option(opts, "output_nc"), n_downsampling=option(opts, "n_downsample_G"),
                  norm=OUR_NORM[option(opts, "norm")], use_fg_model=option(opts, "fg"), no_flow=no_flow(opts),
                  align_corners=align_corners, name=name)
    ngf = option(opts, "ngf") // 2 ** scale
    if scale == 0:
        gen = CompositeGenerator(ngf=ngf, n_blocks=option(opts, "n_blocks"), **common)
    else:
        gen = CompositeLocalGenerator(ngf=ngf, n_blocks_local=option(opts, "n_blocks_local"), scale=scale, **common)
    return _built_generator(gen, opts)


def _built_generator(gen: CompositeBase, opts: Mapping[str, Any]) -> CompositeBase:
    """Creates the variables with one call on zeros (our layers infer input channels then)."""
    size = 2 * max(gen.size_multiple, 2)  # the 7x7 reflect pads and the bottleneck's need >= 2 px
    zeros = lambda s, c: np.zeros((1, s, s, c), np.float32)  # noqa: E731
    mask = zeros(size, 1) if gen.use_fg_model else None
    coarse = None
    if isinstance(gen, CompositeLocalGenerator):
        coarse = {"img_feat": zeros(size // 2, 2 * gen.ngf), "flow_feat": zeros(size // 2, 2 * gen.ngf)}
        if gen.use_fg_model:
            coarse["img_fg_feat"] = zeros(size // 2, gen.fg_decoder.width)
    gen(zeros(size, generator_input_channels(opts)), zeros(size, previous_frame_channels(opts)), mask, coarse,
        training=False)
    return gen


def _discriminator(opts: Mapping[str, Any], channels: int, name: str | None) -> MultiscaleDiscriminator:
    n_layers = option(opts, "n_layers_D")
    disc = MultiscaleDiscriminator(ndf=option(opts, "ndf"), n_layers=n_layers, norm=OUR_NORM[option(opts, "norm")],
                                   num_D=option(opts, "num_D"), get_interm_feat=not option(opts, "no_ganFeat"),
                                   scale_ndf_max=SCALE_NDF_MAX, name=name)
    disc(np.zeros((1, 4 * 2 ** n_layers, 4 * 2 ** n_layers, channels), np.float32), training=False)
    return disc


def build_discriminator_from_official(opts: Mapping[str, Any], name: str | None = None) -> MultiscaleDiscriminator:
    """netD: judges an encoded label frame concatenated with a frame."""
    return _discriminator(opts, label_channels(opts) + option(opts, "output_nc"), name)


def build_temporal_discriminator_from_official(opts: Mapping[str, Any],
                                               name: str | None = None) -> MultiscaleDiscriminator:
    """netD_T<s> (one per temporal scale, all alike): judges temporal_discriminator_input."""
    return _discriminator(opts, temporal_input_channels(opts), name)


def official_roles(opts: Mapping[str, Any]) -> list[str]:
    """The networks the official options build: netG0.., netD, netD_T0.. (checkpoint names
    <epoch>_net_G<s>.pth, _net_D.pth, _net_D_T<s>.pth)."""
    return ([f"netG{s}" for s in range(option(opts, "n_scales_spatial"))] + ["netD"]
            + [f"netD_T{s}" for s in range(option(opts, "n_scales_temporal"))])


def build_official_network(opts: Mapping[str, Any], role: str, align_corners: bool = True) -> keras.Model:
    """One of official_roles(opts), built (not loaded)."""
    if role not in official_roles(opts):
        raise ConversionError(f"the official options build no {role}; they build {official_roles(opts)}")
    if role.startswith("netG"):
        return build_generator_from_official(opts, int(role[len("netG"):]), align_corners, name=role)
    if role == "netD":
        return build_discriminator_from_official(opts, name=role)
    return build_temporal_discriminator_from_official(opts, name=role)


def load_network(net: keras.Model, sd: SD) -> None:
    """Loads an official generator or discriminator state_dict into the network built for its role."""
    if isinstance(net, CompositeBase):
        load_generator(net, sd)
    elif isinstance(net, MultiscaleDiscriminator):
        load_discriminator(net, sd)
    else:
        raise ConversionError(f"no official vid2vid module layout for {type(net).__name__}")


def load_official_networks(opts: Mapping[str, Any], state_dicts: Mapping[str, SD],
                           align_corners: bool = True) -> dict[str, keras.Model]:
    """Every role of `state_dicts` built from the options and loaded, each key of each state_dict used."""
    nets = {}
    for role, sd in state_dicts.items():
        nets[role] = build_official_network(opts, role, align_corners)
        load_network(nets[role], sd)
        sd.check_all_used()
    return nets


def _load_encoder(enc: DownEncoder, sd: SD) -> None:
    """An nn.Sequential of pad 0, conv 1, norm 2, relu 3, (conv, norm, relu) per stride-2 conv, then
    one ResnetBlock per index."""
    i = load_stem_and_downsampling(enc, sd)
    for block in enc.blocks:
        load_resnet_block(block, sd.sub(f"{i}.conv_block"))
        i += 1


def _load_decoder(dec: UpDecoder, blocks_sd: SD, up_sd: SD) -> None:
    """ResnetBlocks at blocks_sd.<j>; (convT, norm, relu) per upsampling in up_sd, after the blocks
    when both are one Sequential."""
    for j, block in enumerate(dec.blocks):
        load_resnet_block(block, blocks_sd.sub(f"{j}.conv_block"))
    i = len(dec.blocks) if up_sd.prefix == blocks_sd.prefix else 0
    for up in dec.up:
        load_conv_block(up, up_sd.sub(str(i)), up_sd.sub(str(i + 1)))
        i += 3


def load_generator(gen: CompositeBase, sd: SD) -> None:
    """CompositeGenerator: model_down_seg / model_down_img (encoders), model_res_img + model_up_img,
    model_res_flow + model_up_flow (decoders), model_final_img / _flow / _w (pad 0, conv 1), indv_down,
    indv_res + indv_up, indv_final. CompositeLocalGenerator keeps each decoder in one Sequential
    (model_up_img, model_up_flow, indv_up: blocks, then the transposed conv)."""
    local = isinstance(gen, CompositeLocalGenerator)
    _load_encoder(gen.label_encoder, sd.sub("model_down_seg"))
    _load_encoder(gen.prev_encoder, sd.sub("model_down_img"))
    for dec, what in [(gen.img_decoder, "img"), (gen.flow_decoder, "flow")]:
        if dec is not None:
            up = sd.sub(f"model_up_{what}")
            _load_decoder(dec, up if local else sd.sub(f"model_res_{what}"), up)
    load_conv_block(gen.img_head, sd.sub("model_final_img.1"))
    if gen.flow_head is not None:
        load_conv_block(gen.flow_head, sd.sub("model_final_flow.1"))
        load_conv_block(gen.weight_head, sd.sub("model_final_w.1"))
    if gen.fg_head is not None:
        _load_encoder(gen.fg_encoder, sd.sub("indv_down"))
        _load_decoder(gen.fg_decoder, sd.sub("indv_up" if local else "indv_res"), sd.sub("indv_up"))
        load_conv_block(gen.fg_head, sd.sub("indv_final.1"))
