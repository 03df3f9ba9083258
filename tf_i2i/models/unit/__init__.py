"""UNIT (Liu et al., NeurIPS 2017): unsupervised translation through a shared latent space."""

from tf_i2i.models.unit.model import UNIT

__all__ = ["UNIT"]
