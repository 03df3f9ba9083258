"""Network blocks shared by several papers: residual blocks, generators, encoders/decoders (MUNIT,
UNIT, INIT), PatchGAN and multi-scale discriminators."""

from tf_i2i.nets.factory import define_discriminator, define_generator
from tf_i2i.nets.multiscale_discriminator import MultiscaleDiscriminator, ms_image_discriminator
from tf_i2i.nets.munit_decoder import AdaINResnetBlock, Decoder, StyleMLP
from tf_i2i.nets.munit_encoders import ContentEncoder, StyleEncoder
from tf_i2i.nets.patchgan import NLayerDiscriminator, PixelDiscriminator, StridedPatchDiscriminator
from tf_i2i.nets.resnet_block import ResnetBlock
from tf_i2i.nets.resnet_generator import ResnetGenerator
from tf_i2i.nets.spade_blocks import SPADEResnetBlock
from tf_i2i.nets.unet import UnetGenerator

__all__ = [
    "AdaINResnetBlock", "ContentEncoder", "Decoder", "StyleEncoder", "StyleMLP", "StridedPatchDiscriminator",
    "ms_image_discriminator", "MultiscaleDiscriminator", "NLayerDiscriminator", "PixelDiscriminator", "ResnetBlock",
    "ResnetGenerator", "SPADEResnetBlock", "UnetGenerator",
    "define_discriminator", "define_generator",
]
