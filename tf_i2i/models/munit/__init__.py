"""MUNIT (Huang et al., ECCV 2018): multimodal unsupervised translation with content and style codes.
model.py holds the training Model (its AdaIN generator is tf_i2i.nets.adain_generator, shared with INIT),
endpoints.py its exports."""

from tf_i2i.models.munit.model import MUNIT
from tf_i2i.nets.adain_generator import AdaINGenerator

__all__ = ["MUNIT", "AdaINGenerator"]
