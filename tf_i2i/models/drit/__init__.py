"""DRIT / DRIT++ (Lee et al. 2018, 2020): two-domain translation; shared content space, per-domain attributes.
networks.py holds the networks, model.py the trainer."""

from tf_i2i.models.drit.model import DRIT

__all__ = ["DRIT"]
