"""What the label map -> photo models (pix2pixHD, SPADE) share: a generator (+ an image encoder)
against one multi-scale discriminator, the semantic input with instance boundaries, and the VGG19
perceptual loss network made only when training needs it."""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i.layers import InstanceBoundary
from tf_i2i.models.base import GANModel
from tf_i2i.models.semantic_input import semantic_input
from tf_i2i.nets.vgg import VGG19Features


class SemanticSynthesisModel(GANModel):
    """Subclasses set `generator`, `encoder` (or None) and `discriminator` in __init__ after calling
    super().__init__(cfg); cfg needs label_nc, use_instance and loss.vgg_loss / loss.vgg_weights
    (dontcare_label is optional)."""

    generator: keras.Model
    encoder: keras.Model | None
    discriminator: keras.Model

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        self.boundary = InstanceBoundary(name="boundary") if cfg.use_instance else None
        self.vgg = None  # made by build_vgg: only training needs it (and its ImageNet file)

    def generator_networks(self) -> list[keras.Model]:
        return [self.generator] + ([self.encoder] if self.encoder is not None else [])

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.discriminator]

    def label_input(self, batch: dict[str, tf.Tensor]) -> tf.Tensor:
        """One-hot labels (+ the don't-care channel) or the RGB label picture when label_nc is 0, plus
        the instance boundary map with use_instance, in the compute dtype."""
        dontcare = self.cfg.get("dontcare_label", -1)
        return tf.cast(semantic_input(batch, self.cfg.label_nc, dontcare, self.boundary), self.compute_dtype)

    def build_vgg(self, fake: tf.Tensor) -> None:
        """Creates the perceptual-loss network once, when the config asks for the VGG loss."""
        if self.cfg.loss.vgg_loss and self.vgg is None:
            self.vgg = VGG19Features(self.cfg.loss.vgg_weights, name="vgg")
            self.vgg(tf.cast(fake, tf.float32))
