"""UNIT (Liu et al., NeurIPS 2017): unsupervised translation through a shared latent space."""
