"""Generator/discriminator by the official option names (netG, netD, ngf, ndf, norm, ...).

Configs and the official-checkpoint converter both go through here, so an option means the same
thing in training and when loading official weights.
"""

from __future__ import annotations

import re

import keras

from tf_i2i.errors import ConfigError
from tf_i2i.nets.patchgan import NLayerDiscriminator, PixelDiscriminator
from tf_i2i.nets.resnet_generator import ResnetGenerator
from tf_i2i.nets.unet import UnetGenerator

GENERATORS = ("resnet_9blocks", "resnet_6blocks", "resnet_<n>blocks", "unet_128", "unet_256", "unet_<n>downs")
DISCRIMINATORS = ("basic", "n_layers", "pixel")


def define_generator(netG: str, output_nc: int = 3, ngf: int = 64, norm: str = "instance",
                     use_dropout: bool = False, padding_type: str = "reflect",
                     name: str | None = None) -> keras.Model:
    """'resnet_<n>blocks' -> ResnetGenerator(n), 'unet_128'/'unet_256' -> UNet with 7/8 downs,
    'unet_<n>downs' -> UNet with n downs (64 px inputs need 6)."""
    kw = dict(output_nc=output_nc, ngf=ngf, norm=norm, use_dropout=use_dropout, name=name)
    resnet = re.fullmatch(r"resnet_(\d+)blocks", netG)
    if resnet:
        return ResnetGenerator(n_blocks=int(resnet.group(1)), pad_mode=padding_type, **kw)
    unet_downs = {"unet_128": 7, "unet_256": 8}.get(netG)
    unet = re.fullmatch(r"unet_(\d+)downs", netG)
    if unet:
        unet_downs = int(unet.group(1))
    if unet_downs is not None:
        return UnetGenerator(num_downs=unet_downs, **kw)
    raise ConfigError(f"unknown netG {netG!r}; expected one of {GENERATORS}")


def define_discriminator(netD: str, ndf: int = 64, n_layers_D: int = 3, norm: str = "batch",
                         spectral_norm: bool = False, name: str | None = None) -> keras.Model:
    """'basic' = 3-layer 70x70 PatchGAN, 'n_layers' = n_layers_D layers, 'pixel' = 1x1 PixelGAN."""
    if netD == "basic":
        return NLayerDiscriminator(ndf, 3, norm, spectral_norm=spectral_norm, name=name)
    if netD == "n_layers":
        return NLayerDiscriminator(ndf, n_layers_D, norm, spectral_norm=spectral_norm, name=name)
    if netD == "pixel":
        return PixelDiscriminator(ndf, norm, name=name)
    raise ConfigError(f"unknown netD {netD!r}; expected one of {DISCRIMINATORS}")
