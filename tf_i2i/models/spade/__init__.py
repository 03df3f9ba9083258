"""SPADE / GauGAN (Park et al., CVPR 2019): networks.py holds the generator, the VAE encoder and the
multi-scale discriminator; model.py the training Model."""

from tf_i2i.models.spade.model import SPADE
from tf_i2i.models.spade.networks import (ConvEncoder, SPADEGenerator, latent_size, parse_norm, reparameterize,
                                          spade_discriminator)

__all__ = ["SPADE", "ConvEncoder", "SPADEGenerator", "latent_size", "parse_norm", "reparameterize",
           "spade_discriminator"]
