"""pix2pix (Isola et al., CVPR 2017): conditional GAN for paired translation A -> B.

G: U-Net; D: conditional PatchGAN on concat(A, B); loss: GAN (vanilla) + lambda_L1 * |G(A) - B|.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.models.base import GANModel
from tf_i2i.nets import define_discriminator, define_generator


class Pix2Pix(GANModel):
    """Paired translation. Batches are dicts {'A': [B,H,W,a], 'B': [B,H,W,b]} in [-1, 1]."""

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        g, d = cfg.generator, cfg.discriminator
        self.generator = define_generator(g.netG, cfg.output_nc, g.ngf, g.norm, g.use_dropout,
                                          name="generator")
        self.discriminator = define_discriminator(d.netD, d.ndf, d.n_layers_D, d.norm,
                                                  name="discriminator")

    def generator_networks(self) -> list[keras.Model]:
        return [self.generator]

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.discriminator]

    def build_networks(self, batch):
        fake = self.generator(batch["A"], training=False)
        self.discriminator(tf.concat([batch["A"], fake], axis=-1), training=False)

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def _d_logits(self, a, b, training=True):
        return self.discriminator(tf.concat([a, tf.cast(b, a.dtype)], axis=-1), training=training)

    def train_step(self, batch):
        """One D step then one G step on the same fake, as the official optimize_parameters()."""
        mode, lam = self.cfg.loss.gan_mode, self.cfg.loss.lambda_L1
        real_a, real_b = batch["A"], batch["B"]
        lrs = self.learning_rates()
        with tf.GradientTape() as g_tape:
            fake_b = self.generator(real_a, training=True)
            with g_tape.stop_recording(), tf.GradientTape() as d_tape:
                d_fake = losses.gan_loss(self._d_logits(real_a, tf.stop_gradient(fake_b)), False, mode)
                d_real = losses.gan_loss(self._d_logits(real_a, real_b), True, mode)
                d_loss = self.reduce_loss(0.5 * (d_fake + d_real))
            with g_tape.stop_recording():
                self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables)
            # G sees the discriminator after its update (program order orders the variable reads).
            g_gan = losses.gan_loss(self._d_logits(real_a, fake_b), True, mode, for_discriminator=False)
            g_l1 = losses.l1_loss(fake_b, real_b)
            g_loss = self.reduce_loss(g_gan + lam * g_l1)
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables)
        return {"g_gan": tf.reduce_mean(g_gan), "g_l1": tf.reduce_mean(g_l1),
                "d_real": tf.reduce_mean(d_real), "d_fake": tf.reduce_mean(d_fake),
                **lrs}

    def sample_images(self, batch):
        return {"input": batch["A"], "output": self.generator(batch["A"], training=False),
                "target": batch["B"]}

    def export_generators(self):
        return {"serve": (self.generator, self.cfg.input_nc)}
