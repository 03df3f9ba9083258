"""What MUNIT and UNIT share: two generators (one per domain), two MsImageDis discriminators, the
official iteration (discriminator update, then generator update) and their GAN losses."""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.errors import ConfigError
from tf_i2i.models.base import GANModel
from tf_i2i.models.serving.sizes import build_side
from tf_i2i.nets import ms_image_discriminator
from tf_i2i.nets.weight_init import init_weights

# Official dis.gan_type -> our GAN mode (nsgan = sigmoid cross-entropy on raw logits).
GAN_TYPES = {"lsgan": "lsgan", "nsgan": "vanilla"}


class TwoDomainModel(GANModel):
    """Unpaired batches {'A': [B,H,W,input_nc], 'B': [B,H,W,output_nc]}; gen_a / dis_a belong to
    domain A, gen_b / dis_b to domain B (the official names).

    cfg.weight_decay is the official optimiser weight_decay (an L2 term in both updates, see
    GANModel.apply). Subclasses create gen_a and gen_b in `make_generators`, give the fakes the discriminators see
    in `discriminator_fakes` and the generator objective in `generator_terms`. The multi-scale GAN
    losses are summed over scales as the official calc_dis_loss / calc_gen_loss do.
    """

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        d = cfg.discriminator
        if d.gan_type not in GAN_TYPES:
            raise ConfigError(f"unknown discriminator.gan_type {d.gan_type!r}; expected one of {sorted(GAN_TYPES)}")
        self.gan_mode = GAN_TYPES[d.gan_type]
        self.gen_a, self.gen_b = self.make_generators()
        self.dis_a, self.dis_b = self.make_discriminator(d, "dis_a"), self.make_discriminator(d, "dis_b")
        self.vgg = None  # VGG16 of the perceptual loss: made by build_networks, only training needs it

    def make_generators(self) -> tuple[keras.Model, keras.Model]:
        raise NotImplementedError

    @staticmethod
    def make_discriminator(options: ml_collections.ConfigDict, name: str) -> keras.Model:
        """The official MsImageDis from discriminator options (dim, n_layer, norm, activ, num_scales, pad_type)."""
        o = options
        return ms_image_discriminator(o.dim, o.n_layer, o.norm, o.activ, o.num_scales, o.pad_type,
                                      get_interm_feat=False, name=name)

    def discriminator_fakes(self, real_a: tf.Tensor, real_b: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """(fake A, fake B) for the discriminator update, made in training mode."""
        raise NotImplementedError

    def generator_terms(self, real_a: tf.Tensor, real_b: tf.Tensor) -> dict[str, tf.Tensor]:
        """Weighted per-example loss terms of the generator update (their sum is minimised)."""
        raise NotImplementedError

    def generator_networks(self) -> list[keras.Model]:
        return [self.gen_a, self.gen_b]

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.dis_a, self.dis_b]

    def _build_autoencoders(self, x_a: tf.Tensor, x_b: tf.Tensor) -> None:
        """Builds gen_a and gen_b from an A and a B batch, the same way in training and inference:
        checkpoints key variables by path, and a Keras variable's path records the call that built it."""
        raise NotImplementedError

    def build_networks(self, batch):
        """Generators (through _build_autoencoders), discriminators, the official init, and the frozen
        VGG16 (nets.vgg16) of the domain-invariant perceptual loss when cfg.loss.vgg_w > 0."""
        self._build_autoencoders(batch["A"], batch["B"])
        fake_a, fake_b = self.discriminator_fakes(batch["A"], batch["B"])
        self.dis_a(fake_a, training=False)
        self.dis_b(fake_b, training=False)
        self.apply_official_init()
        self.build_perceptual_network()

    def build_perceptual_network(self) -> None:
        """The frozen VGG16 (nets.vgg16) of the domain-invariant perceptual loss, when cfg.loss.vgg_w > 0."""
        if self.cfg.loss.get("vgg_w", 0.0) > 0 and self.vgg is None:
            from tf_i2i.nets.vgg16 import VGG16Features  # keras.applications: load only when used

            self.vgg = VGG16Features(self.cfg.loss.get("vgg_weights", "imagenet"), name="vgg")

    def build_generators(self) -> None:
        """_build_autoencoders on zero images of a size every generator accepts (inference builds)."""

        side = build_side(self.gen_a.size_multiple)
        self._build_autoencoders(tf.zeros([1, side, side, self.cfg.input_nc]),
                                 tf.zeros([1, side, side, self.cfg.output_nc]))

    def apply_official_init(self) -> None:
        """The official trainers' weights_init on the built networks: cfg.init (kaiming in the released
        configs) on the generators, gaussian on the discriminators; init 'default' (or none in the
        config) keeps Keras's initial weights everywhere."""
        init = self.cfg.get("init", "default")
        for gen in self.generator_networks():
            init_weights(gen, init)
        for dis in self.discriminator_networks():
            init_weights(dis, "gaussian" if init != "default" else "default")

    # -- losses ---------------------------------------------------------------------------------

    def dis_loss(self, dis: keras.Model, fake: tf.Tensor, real: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """(fake term, real term) of one discriminator, per example (official calc_dis_loss)."""
        fake_term = losses.multiscale_gan_loss(dis(tf.stop_gradient(fake), training=True), False, self.gan_mode)
        real_term = losses.multiscale_gan_loss(dis(real, training=True), True, self.gan_mode)
        return fake_term, real_term

    def adversarial_loss(self, dis: keras.Model, fake: tf.Tensor) -> tf.Tensor:
        """The generator's GAN term for `fake` judged by `dis` (official calc_gen_loss)."""
        return losses.multiscale_gan_loss(dis(fake, training=True), True, self.gan_mode, for_discriminator=False)

    # -- training -------------------------------------------------------------------------------

    def train_step(self, batch):
        """The official iteration: dis_update on fresh fakes, then gen_update (its own fakes)."""
        real_a, real_b = batch["A"], batch["B"]
        wd, gan_w = self.cfg.weight_decay, self.cfg.loss.gan_w
        lrs = self.learning_rates()
        with tf.GradientTape() as d_tape:
            fake_a, fake_b = self.discriminator_fakes(real_a, real_b)
            d_a_fake, d_a_real = self.dis_loss(self.dis_a, fake_a, real_a)
            d_b_fake, d_b_real = self.dis_loss(self.dis_b, fake_b, real_b)
            d_loss = self.reduce_loss(gan_w * (d_a_fake + d_a_real + d_b_fake + d_b_real))
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables, wd)
        with tf.GradientTape() as g_tape:
            terms = self.generator_terms(real_a, real_b)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables, wd)
        logs = {name: tf.reduce_mean(value) for name, value in terms.items()}
        logs.update(d_a_real=tf.reduce_mean(d_a_real), d_a_fake=tf.reduce_mean(d_a_fake),
                    d_b_real=tf.reduce_mean(d_b_real), d_b_fake=tf.reduce_mean(d_b_fake))
        return {**logs, **lrs}
