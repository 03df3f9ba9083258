"""One module per paper: its networks and its keras.Model with compile(g_optimizer, d_optimizer) and train_step."""

from tf_i2i.models.base import GANModel
from tf_i2i.models.cyclegan import CycleGAN
from tf_i2i.models.drit import DRIT
from tf_i2i.models.drit_md import MDMM
from tf_i2i.models.munit import MUNIT
from tf_i2i.models.pix2pix import Pix2Pix
from tf_i2i.models.pix2pixhd import Pix2PixHD
from tf_i2i.models.spade import SPADE
from tf_i2i.models.unit import UNIT

__all__ = ["CycleGAN", "DRIT", "GANModel", "MDMM", "MUNIT", "Pix2Pix", "Pix2PixHD", "SPADE", "UNIT"]
