"""CycleGAN (Zhu et al., ICCV 2017): unpaired translation with two generators and cycle consistency.

Naming: gen_ab maps A -> B, disc_b judges B images (official netG_A / netD_A); gen_ba, disc_a the
reverse. Loss: LSGAN + lambda_A |G_BA(G_AB(A)) - A| + lambda_B |...| + identity terms weighted
lambda_identity * lambda_{A,B}; discriminators see fakes through a 50-image history pool.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.layers import ImagePool
from tf_i2i.models.base import GANModel
from tf_i2i.nets import define_discriminator, define_generator


class CycleGAN(GANModel):
    """Unpaired translation. Batches are dicts {'A': [B,H,W,a], 'B': [B,H,W,b]} from independent shuffles."""

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        g, d = cfg.generator, cfg.discriminator

        def gen(out_nc, name):
            return define_generator(g.netG, out_nc, g.ngf, g.norm, g.use_dropout, name=name)

        def disc(name):
            return define_discriminator(d.netD, d.ndf, d.n_layers_D, d.norm, name=name)

        self.gen_ab, self.gen_ba = gen(cfg.output_nc, "gen_ab"), gen(cfg.input_nc, "gen_ba")
        self.disc_a, self.disc_b = disc("disc_a"), disc("disc_b")
        self.pool_a = ImagePool(cfg.pool_size, seed=cfg.seed, name="pool_a")
        self.pool_b = ImagePool(cfg.pool_size, seed=cfg.seed + 1, name="pool_b")

    def generator_networks(self) -> list[keras.Model]:
        return [self.gen_ab, self.gen_ba]

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.disc_a, self.disc_b]

    def build_networks(self, batch):
        fake_b = self.gen_ab(batch["A"], training=False)
        fake_a = self.gen_ba(batch["B"], training=False)
        self.disc_a(fake_a, training=False)
        self.disc_b(fake_b, training=False)
        self.pool_a.build(fake_a.shape)
        self.pool_b.build(fake_b.shape)

    def call(self, inputs, training=False):
        return self.gen_ab(inputs, training=training)

    def _generator_losses(self, real_a, real_b):
        """Forward of both cycles and the generator objective (official backward_G)."""
        c = self.cfg.loss
        mode = c.gan_mode
        fake_b = self.gen_ab(real_a, training=True)
        rec_a = self.gen_ba(fake_b, training=True)
        fake_a = self.gen_ba(real_b, training=True)
        rec_b = self.gen_ab(fake_a, training=True)
        terms = {
            "g_gan_ab": losses.gan_loss(self.disc_b(fake_b, training=True), True, mode, False),
            "g_gan_ba": losses.gan_loss(self.disc_a(fake_a, training=True), True, mode, False),
            "g_cycle_a": c.lambda_A * losses.l1_loss(rec_a, real_a),
            "g_cycle_b": c.lambda_B * losses.l1_loss(rec_b, real_b),
        }
        if c.lambda_identity > 0:
            terms["g_idt_a"] = c.lambda_identity * c.lambda_B * losses.l1_loss(
                self.gen_ab(real_b, training=True), real_b)
            terms["g_idt_b"] = c.lambda_identity * c.lambda_A * losses.l1_loss(
                self.gen_ba(real_a, training=True), real_a)
        return terms, fake_a, fake_b

    def _discriminator_loss(self, disc, real, fake):
        mode = self.cfg.loss.gan_mode
        real_term = losses.gan_loss(disc(real, training=True), True, mode)
        fake_term = losses.gan_loss(disc(fake, training=True), False, mode)
        return real_term, fake_term

    def train_step(self, batch):
        """G_AB and G_BA step first (discriminators frozen), then both discriminators on pooled fakes."""
        real_a, real_b = batch["A"], batch["B"]
        lrs = self.learning_rates()
        with tf.GradientTape() as g_tape:
            terms, fake_a, fake_b = self._generator_losses(real_a, real_b)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables)
        pooled_b = self.pool_b(fake_b)
        pooled_a = self.pool_a(fake_a)
        with tf.GradientTape() as d_tape:
            d_b_real, d_b_fake = self._discriminator_loss(self.disc_b, real_b, pooled_b)
            d_a_real, d_a_fake = self._discriminator_loss(self.disc_a, real_a, pooled_a)
            d_loss = self.reduce_loss(0.5 * (d_b_real + d_b_fake) + 0.5 * (d_a_real + d_a_fake))
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables)
        logs = {name: tf.reduce_mean(value) for name, value in terms.items()}
        logs.update(d_a_real=tf.reduce_mean(d_a_real), d_a_fake=tf.reduce_mean(d_a_fake),
                    d_b_real=tf.reduce_mean(d_b_real), d_b_fake=tf.reduce_mean(d_b_fake))
        return {**logs, **lrs}

    def sample_images(self, batch):
        fake_b = self.gen_ab(batch["A"], training=False)
        fake_a = self.gen_ba(batch["B"], training=False)
        return {"real_A": batch["A"], "fake_B": fake_b, "rec_A": self.gen_ba(fake_b, training=False),
                "real_B": batch["B"], "fake_A": fake_a, "rec_B": self.gen_ab(fake_a, training=False)}

    def export_generators(self):
        return {"serve": (self.gen_ab, self.cfg.input_nc), "serve_b2a": (self.gen_ba, self.cfg.output_nc)}
