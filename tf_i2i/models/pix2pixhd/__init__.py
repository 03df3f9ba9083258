"""pix2pixHD (Wang et al., CVPR 2018): networks.py holds G1, G2 and the feature encoder, model.py the
training Model, pretrained.py the global -> local stage hand-over."""

from tf_i2i.models.pix2pixhd.model import Pix2PixHD
from tf_i2i.models.pix2pixhd.networks import EnhancerLevel, FeatureEncoder, GlobalGenerator, LocalEnhancer

__all__ = ["EnhancerLevel", "FeatureEncoder", "GlobalGenerator", "LocalEnhancer", "Pix2PixHD"]
