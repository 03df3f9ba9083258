"""MUNIT (Huang et al., ECCV 2018): multimodal unsupervised translation with content and style codes.
networks.py holds the AdaIN generator, model.py the training Model, endpoints.py its exports."""

from tf_i2i.models.munit.model import MUNIT
from tf_i2i.models.munit.networks import AdaINGenerator

__all__ = ["MUNIT", "AdaINGenerator"]
