"""pix2pix (Isola et al., CVPR 2017): U-Net generator and conditional PatchGAN; model.py the trainer."""

from tf_i2i.models.pix2pix.model import Pix2Pix

__all__ = ["Pix2Pix"]
