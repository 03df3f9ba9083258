"""DRIT / DRIT++ (Lee et al. ECCV 2018, IJCV 2020) as the official HsinYingLee/DRIT trainer trains it.

Images split into a content code (one space for both domains) and an attribute code (per domain).
One training step is one official iteration of update_EG, which the official loop reaches every
d_iter batches, so a step takes d_iter chunks of the batch:
1. chunks 1..d_iter-1: the content discriminator alone (update_D_content);
2. last chunk, first half 'encoded', second half 'random' (official half_size): one forward, then
   the domain discriminators and the content discriminator (update_D), then the encoders and
   generators twice (update_EG): backward_EG updates E_c, E_a, G; backward_G_alone updates E_c, G.
   Both gradients come from the same forward, as the official retain_graph code does.
Losses (official weights): GAN on cross translations (disA/disB) and on random-attribute ones
(disA2/disB2), content confusion (BCE to 0.5), cross-cycle and self reconstruction L1 x10, KL x0.01 on
attributes and on contents, latent regression L1 x10; DRIT++ (mode_seeking) adds a second random
attribute, its GAN terms and 1 / (ratio + 1e-5) per direction.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.models.drit import losses as drit_losses
from tf_i2i.models.drit.disentangled import DisentangledGAN
from tf_i2i.models.drit.networks import (DritAttributeEncoder, DritAttributeEncoderVAE, DritContentEncoder,
                                         DritGenerator, DritGeneratorConcat, content_discriminator,
                                         domain_discriminator, reparameterize)
from tf_i2i.models.drit.endpoints import DIRECTIONS, drit_endpoints
from tf_i2i.models.serving.endpoint import Endpoint


GAN_MODE = "vanilla"  # sigmoid + BCE in every official DRIT discriminator loss


class DRIT(DisentangledGAN):
    """Batches {'A': [B,H,W,input_nc], 'B': [B,H,W,output_nc]} in [-1, 1], B = d_iter * chunk per
    replica, chunk even. Networks carry the official names (enc_c, enc_a, gen, disA, disA2, disB,
    disB2, disContent) so official checkpoints map one to one.

    Diverse: translate(x) draws N(0, I) attributes; translate(x, attribute=code) uses given ones;
    example-guided: translate(x, attribute=attribute_code(reference, target domain)).
    """

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(cfg, **kwargs)
        channels = 4 * cfg.dim
        self.enc_c = DritContentEncoder(cfg.dim, name="enc_c")
        if cfg.concat:
            self.enc_a = DritAttributeEncoderVAE(cfg.dim, cfg.nz, name="enc_a")
            self.gen = DritGeneratorConcat(cfg.input_nc, cfg.output_nc, channels, cfg.nz, name="gen")
        else:
            self.enc_a = DritAttributeEncoder(cfg.dim, cfg.nz, name="enc_a")
            self.gen = DritGenerator(cfg.input_nc, cfg.output_nc, channels, cfg.mlp_dim, name="gen")

        def dis(name: str) -> keras.Model:
            return domain_discriminator(cfg.dis_scale, cfg.dim, cfg.dis_spectral_norm, name=name)

        self.dis_a, self.dis_a2, self.dis_b, self.dis_b2 = dis("disA"), dis("disA2"), dis("disB"), dis("disB2")
        self.dis_content = content_discriminator(channels, name="disContent")

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.dis_a, self.dis_a2, self.dis_b, self.dis_b2, self.dis_content]

    def build_networks(self, batch):
        """Every network through one training forward on the last chunk, then the official
        gaussian_weights_init (conv kernels N(0, 0.02)) when cfg.init is 'conv_gaussian'."""
        last = self.chunks(batch)[-1]
        real_a, real_b = last["A"], last["B"]
        self.build_generators()  # marks them built too, for export at the end of training
        fwd = self.forward(real_a, real_b, training=False)
        for dis, x in ((self.dis_a, real_a), (self.dis_a2, real_a), (self.dis_b, real_b), (self.dis_b2, real_b)):
            dis(x, training=False)
        self.dis_content(fwd["content_a"], training=False)
        self.apply_official_init()

    def build_generators(self) -> None:
        """The encoders and generator on zero images (inference restores only these), through
        their own calls: Keras marks a network built only then, and export tracks built networks
        (forward reaches the generator through decode alone). Weights are made in forward's order."""
        side = 64  # above every reflection pad and the attribute encoder's four halvings
        a = tf.zeros([1, side, side, self.cfg.input_nc])
        b = tf.zeros([1, side, side, self.cfg.output_nc])
        content_a, content_b = self.enc_c(a, b, training=False)
        self.enc_a(a, b, training=False)
        z = tf.zeros([1, self.cfg.nz])
        self.gen(content_b, z, content_a, z, training=False)

    # -- forward ----------------------------------------------------------------------------------

    def _attributes(self, x_a, x_b, training):
        """(z_a, z_b, (mu_a, logvar_a), (mu_b, logvar_b)): sampled codes for the VAE encoder, the
        codes themselves (logvar None) for the plain one."""
        if self.cfg.concat:
            mu_a, logvar_a, mu_b, logvar_b = self.enc_a(x_a, x_b, training=training)
            z_a = reparameterize(mu_a, logvar_a, tf.random.normal(tf.shape(mu_a)))
            z_b = reparameterize(mu_b, logvar_b, tf.random.normal(tf.shape(mu_b)))
            return z_a, z_b, (mu_a, logvar_a), (mu_b, logvar_b)
        z_a, z_b = self.enc_a(x_a, x_b, training=training)
        return z_a, z_b, (z_a, None), (z_b, None)

    def forward(self, real_a, real_b, training=True) -> dict[str, tf.Tensor]:
        """The official DRIT.forward on one chunk: codes of the 'encoded' half, the cross, self and
        random-attribute translations (two random codes with mode seeking), the second cross
        translation and the attribute means of the random translations."""
        h = tf.shape(real_a)[0] // 2
        x_a, x_b = real_a[:h], real_b[:h]
        c_a, c_b = self.enc_c(x_a, x_b, training=training)
        z_a, z_b, post_a, post_b = self._attributes(x_a, x_b, training)
        randoms = [self.random_attributes(h) for _ in range(2 if self.cfg.mode_seeking else 1)]
        n_out = 2 + len(randoms)
        out_a = self.gen.decode(tf.concat([c_b, c_a] + [c_b] * len(randoms), 0),
                                tf.concat([z_a, z_a] + randoms, 0), "a", training=training)
        out_b = self.gen.decode(tf.concat([c_a, c_b] + [c_a] * len(randoms), 0),
                                tf.concat([z_b, z_b] + randoms, 0), "b", training=training)
        fake_a, fake_aa, *rand_a = tf.split(out_a, n_out)
        fake_b, fake_bb, *rand_b = tf.split(out_b, n_out)
        c_recon_b, c_recon_a = self.enc_c(fake_a, fake_b, training=training)
        z_recon_a, z_recon_b, _, _ = self._attributes(fake_a, fake_b, training)
        recon_a = self.gen.decode(c_recon_a, z_recon_a, "a", training=training)
        recon_b = self.gen.decode(c_recon_b, z_recon_b, "b", training=training)
        _, _, (mu2_a, _), (mu2_b, _) = self._attributes(rand_a[0], rand_b[0], training)
        return {"x_a": x_a, "x_b": x_b, "real_rand_a": real_a[h:], "real_rand_b": real_b[h:],
                "content_a": c_a, "content_b": c_b, "post_a": post_a, "post_b": post_b,
                "fake_a": fake_a, "fake_b": fake_b, "fake_aa": fake_aa, "fake_bb": fake_bb,
                "rand_a": rand_a, "rand_b": rand_b, "z_random": randoms,
                "recon_a": recon_a, "recon_b": recon_b, "mu2_a": mu2_a, "mu2_b": mu2_b}

    # -- losses -----------------------------------------------------------------------------------

    @staticmethod
    def _dis_loss(dis, real, fakes) -> tf.Tensor:
        """Per example: BCE of real vs each fake, summed over scales (official backward_D, once per fake)."""
        real_term = losses.multiscale_gan_loss(dis(real, training=True), True, GAN_MODE)
        return tf.add_n([real_term + losses.multiscale_gan_loss(dis(tf.stop_gradient(f), training=True), False,
                                                                GAN_MODE) for f in fakes])

    def _content_dis_loss(self, content_a, content_b) -> tf.Tensor:
        """Per example: A's contents labelled 0, B's labelled 1 (official backward_contentD)."""
        fake = losses.gan_loss(self.dis_content(tf.stop_gradient(content_a), training=True), False, GAN_MODE)
        real = losses.gan_loss(self.dis_content(tf.stop_gradient(content_b), training=True), True, GAN_MODE)
        return fake + real

    def _adversarial(self, dis, fake) -> tf.Tensor:
        return losses.multiscale_gan_loss(dis(fake, training=True), True, GAN_MODE, for_discriminator=False)

    def eg_terms(self, f) -> dict[str, tf.Tensor]:
        """backward_EG's weighted terms, per example."""
        w = self.cfg.loss
        return {
            "g_content_a": w.content_w * drit_losses.content_confusion_loss(self.dis_content(f["content_a"], training=True)),
            "g_content_b": w.content_w * drit_losses.content_confusion_loss(self.dis_content(f["content_b"], training=True)),
            "g_gan_a": w.gan_w * self._adversarial(self.dis_a, f["fake_a"]),
            "g_gan_b": w.gan_w * self._adversarial(self.dis_b, f["fake_b"]),
            "g_kl_za_a": w.kl_za_w * drit_losses.attribute_kl(*f["post_a"]),
            "g_kl_za_b": w.kl_za_w * drit_losses.attribute_kl(*f["post_b"]),
            "g_kl_zc_a": w.kl_zc_w * drit_losses.mean_square(f["content_a"]),
            "g_kl_zc_b": w.kl_zc_w * drit_losses.mean_square(f["content_b"]),
            "g_cc_a": w.cross_cycle_w * losses.l1_loss(f["recon_a"], f["x_a"]),
            "g_cc_b": w.cross_cycle_w * losses.l1_loss(f["recon_b"], f["x_b"]),
            "g_self_a": w.self_recon_w * losses.l1_loss(f["fake_aa"], f["x_a"]),
            "g_self_b": w.self_recon_w * losses.l1_loss(f["fake_bb"], f["x_b"]),
        }

    def alone_terms(self, f) -> tuple[dict[str, tf.Tensor], dict[str, tf.Tensor]]:
        """backward_G_alone's terms: (per example terms, batch scalars: the mode-seeking terms)."""
        w = self.cfg.loss
        z = f["z_random"][0]
        per_example = {
            "g_gan2_a": w.gan_w * tf.add_n([self._adversarial(self.dis_a2, x) for x in f["rand_a"]]),
            "g_gan2_b": w.gan_w * tf.add_n([self._adversarial(self.dis_b2, x) for x in f["rand_b"]]),
            "g_latent_a": w.latent_w * losses.l1_loss(f["mu2_a"], z),
            "g_latent_b": w.latent_w * losses.l1_loss(f["mu2_b"], z),
        }
        scalars = {}
        if self.cfg.mode_seeking:
            z2 = f["z_random"][1]
            scalars["g_ms_ab"] = w.mode_seeking_w * drit_losses.mode_seeking_loss(*f["rand_b"], z, z2)
            scalars["g_ms_ba"] = w.mode_seeking_w * drit_losses.mode_seeking_loss(*f["rand_a"], z, z2)
        return per_example, scalars

    # -- training ---------------------------------------------------------------------------------

    def train_step(self, batch):
        lrs = self.learning_rates()
        *content_chunks, last = self.chunks(batch)
        for chunk in content_chunks:  # official update_D_content on the batches between EG updates
            h = tf.shape(chunk["A"])[0] // 2
            contents = self.enc_c(chunk["A"][:h], chunk["B"][:h], training=True)
            self.content_update(lambda: self.cfg.loss.content_w * self._content_dis_loss(*contents))
        with tf.GradientTape(persistent=True) as g_tape:
            f = self.forward(last["A"], last["B"], training=True)
        with tf.GradientTape() as d_tape:
            d_terms = {"d_a": self._dis_loss(self.dis_a, f["x_a"], [f["fake_a"]]),
                       "d_a2": self._dis_loss(self.dis_a2, f["real_rand_a"], f["rand_a"]),
                       "d_b": self._dis_loss(self.dis_b, f["x_b"], [f["fake_b"]]),
                       "d_b2": self._dis_loss(self.dis_b2, f["real_rand_b"], f["rand_b"])}
            d_loss = self.reduce_loss(tf.add_n(list(d_terms.values())))
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables, self.cfg.weight_decay)
        d_content = self.content_update(
            lambda: self.cfg.loss.content_w * self._content_dis_loss(f["content_a"], f["content_b"]))
        with g_tape:  # the generator losses see the updated discriminators, as official
            eg = self.eg_terms(f)
            eg_loss = self.reduce_loss(tf.add_n(list(eg.values())))
            alone, alone_scalars = self.alone_terms(f)
            alone_loss = self.reduce_loss(tf.add_n(list(alone.values())))
            if alone_scalars:
                alone_loss += self.replica_mean(tf.add_n(list(alone_scalars.values())))
        self.generator_updates(g_tape, eg_loss, alone_loss)
        del g_tape
        logs = {k: tf.reduce_mean(v) for k, v in {**d_terms, **eg, **alone}.items()}
        logs.update(alone_scalars, d_content=d_content)
        return {**logs, **lrs}

    # -- inference --------------------------------------------------------------------------------

    def attribute_code(self, images, domain: str = "b") -> tf.Tensor:
        """float32 [B, nz]: the attribute codes of images of `domain` (the VAE mean for concat=1;
        the official test samples around it)."""
        images = tf.convert_to_tensor(images, tf.float32)
        z = self.enc_a.encode(images, domain, training=False)
        return tf.cast(z[0] if self.cfg.concat else z, tf.float32)

    def translate(self, images, direction: str = "a2b", attribute=None) -> tf.Tensor:
        """float32 images of the target domain in [-1, 1], inference mode (official test_forward).

        images: [B,H,W,C] of the source domain, H and W multiples of 4. attribute: [B, nz] codes
        of the target domain; None draws N(0, I) ones (another output per call)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {tuple(DIRECTIONS)}, got {direction!r}")
        source, target = DIRECTIONS[direction]
        images = tf.convert_to_tensor(images, tf.float32)
        attribute = self.attributes_for(images, attribute)
        content = self.enc_c.encode(images, source, training=False)
        return tf.cast(self.gen.decode(content, attribute, target, training=False), tf.float32)

    def export_endpoints(self) -> list[Endpoint]:
        """serve(_uint8), serve_guided(_uint8), attribute_code and their _b2a counterparts (endpoints.py)."""

        return drit_endpoints(self)

    def call(self, inputs, training=False):
        return self.translate(inputs)

    def infer(self, batch):
        return self.translate(batch["A"])

    def sample_images(self, batch):
        """The official display rows: per domain the input, its cross translation with the other
        domain's attribute, a random-attribute translation, its self reconstruction, the cycle."""
        real_a, real_b = batch["A"][:1], batch["B"][:1]
        f = self.forward(tf.concat([real_a, real_a], 0), tf.concat([real_b, real_b], 0), training=False)
        return {"real_A": real_a, "A2B": f["fake_b"], "A2B_random": f["rand_b"][0], "rec_A": f["fake_aa"],
                "cyc_A": f["recon_a"], "real_B": real_b, "B2A": f["fake_a"], "B2A_random": f["rand_a"][0],
                "rec_B": f["fake_bb"], "cyc_B": f["recon_b"]}
