"""CycleGAN (Zhu et al., ICCV 2017): two ResNet generators, two PatchGANs, image pools; model.py the trainer."""

from tf_i2i.models.cyclegan.model import CycleGAN

__all__ = ["CycleGAN"]
