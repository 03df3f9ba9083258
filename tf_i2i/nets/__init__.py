"""Network blocks shared by several papers: residual blocks, generators, PatchGAN and multi-scale
discriminators."""

from tf_i2i.nets.factory import define_discriminator, define_generator
from tf_i2i.nets.multiscale_discriminator import MultiscaleDiscriminator
from tf_i2i.nets.patchgan import NLayerDiscriminator, PixelDiscriminator
from tf_i2i.nets.resnet_block import ResnetBlock
from tf_i2i.nets.resnet_generator import ResnetGenerator
from tf_i2i.nets.spade_blocks import SPADEResnetBlock
from tf_i2i.nets.unet import UnetGenerator

__all__ = [
    "MultiscaleDiscriminator", "NLayerDiscriminator", "PixelDiscriminator", "ResnetBlock",
    "ResnetGenerator", "SPADEResnetBlock", "UnetGenerator",
    "define_discriminator", "define_generator",
]
