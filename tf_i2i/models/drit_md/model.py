"""Multi-domain DRIT++ (MDMM, Lee et al. IJCV 2020) as the official HsinYingLee/MDMM MD_multi trains it.

One content encoder, attribute encoder and generator for N domains, told the domain by a one-hot
code c. A batch of pictures of random domains splits into halves 'A' and 'B' (official half_size,
any domains): each half's content is rendered with the other half's attribute and domain (cross),
its own (self), and a random attribute; the cross translations are encoded again and rendered back
(cross cycle). Discriminators dis1 (cross translations) and dis2 (random-attribute ones) judge real
vs fake and classify the domain; an optional content discriminator (official --isDcontent, off by
default) classifies the domain of content codes, which the encoder learns to hide.

Official quirks kept: the patch GAN terms are summed over the batch (the official loop iterates
over the batch dimension of MD_Dis's output), so are the VAE attribute KL terms; everything else is
a batch mean. The official concat=0 path does not run (it builds the two-domain E_attr); here it
uses MD_E_attr and MD_G_multi, the networks the official file defines for it.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.models.drit import losses as drit_losses
from tf_i2i.models.drit.disentangled import DisentangledGAN
from tf_i2i.models.drit.networks import reparameterize
from tf_i2i.models.drit_md.networks import (MDAttributeEncoder, MDAttributeEncoderVAE, MDContentDiscriminator,
                                           MDDiscriminator, MDGenerator, MDGeneratorConcat, content_encoder)
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.drit_md.endpoints import mdmm_endpoints
from tf_i2i.models.serving.endpoint import Endpoint


GAN_MODE = "vanilla"  # sigmoid + BCE (official iswgan off)
SAMPLE_SEED = 0
SAMPLE_IMAGES = 3


def domain_classification_loss(logits: tf.Tensor, codes: tf.Tensor) -> tf.Tensor:
    """Per example: BCE-with-logits of domain logits [B, N] against codes [B, N], mean over N
    (official nn.BCEWithLogitsLoss, a mean over batch and domains)."""
    bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(codes, tf.float32),
                                                  logits=tf.cast(logits, tf.float32))
    return tf.reduce_mean(bce, axis=-1)


class MDMM(DisentangledGAN):
    """Batches {'image': [B,H,W,input_nc] in [-1, 1], 'domain': int32 [B]} (the data layout
    'domains'), B = d_iter * an even chunk per replica (d_iter only with the content
    discriminator). Networks carry the official names (enc_c, enc_a, gen, dis1, dis2, disContent).

    translate(x, target_domain) draws N(0, I) attributes; translate(x, d, attribute=code) uses given
    ones; guided: attribute_code(reference, its domain) as the code, its domain as the target.
    """

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(cfg, **kwargs)
        channels, n = 4 * cfg.dim, cfg.num_domains
        self.enc_c = content_encoder(cfg.dim, name="enc_c")
        if cfg.concat:
            self.enc_a = MDAttributeEncoderVAE(cfg.dim, cfg.nz, n, name="enc_a")
            self.gen = MDGeneratorConcat(cfg.input_nc, channels, cfg.nz, n, name="gen")
        else:
            self.enc_a = MDAttributeEncoder(cfg.dim, cfg.nz, n, name="enc_a")
            self.gen = MDGenerator(cfg.input_nc, channels, cfg.nz, n, cfg.mlp_dim, name="gen")
        self.dis1, self.dis2 = (MDDiscriminator(cfg.dim, n, cfg.image_size, cfg.dis_spectral_norm, name=name)
                                for name in ("dis1", "dis2"))
        self.dis_content = MDContentDiscriminator(channels, n, name="disContent") if cfg.content_discriminator else None

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.dis1, self.dis2] + ([self.dis_content] if self.dis_content is not None else [])

    def domain_codes(self, domains) -> tf.Tensor:
        """One-hot float32 [B, num_domains] of int domain ids (official c_org)."""
        domains = tf.convert_to_tensor(domains)
        if domains.dtype.is_floating:
            raise ValueError(f"domains must be integer ids 0..{self.cfg.num_domains - 1}, got {domains.dtype}")
        return tf.one_hot(tf.cast(domains, tf.int32), self.cfg.num_domains)

    # -- building ---------------------------------------------------------------------------------

    def build_networks(self, batch):
        """Every network through one forward on the last chunk, then the official init."""
        last = self.chunks(batch)[-1]
        f = self.forward(last["image"], last["domain"], training=False)
        for dis in (self.dis1, self.dis2):
            dis(last["image"], training=False)
        if self.dis_content is not None:
            self.dis_content(f["content"], training=False)
        self.apply_official_init()

    def build_generators(self) -> None:
        """The encoders and generator on zero images (inference restores only these)."""
        side = 64  # above every reflection pad and the attribute encoder's four halvings
        self.forward(tf.zeros([2, side, side, self.cfg.input_nc]), tf.zeros([2], tf.int32), training=False)

    # -- forward ----------------------------------------------------------------------------------

    def _attributes(self, images, codes, training):
        """(z, (mu, logvar)) for the VAE encoder (z sampled), (z, (z, None)) for the plain one."""
        if self.cfg.concat:
            mu, logvar = self.enc_a(images, codes, training=training)
            return reparameterize(mu, logvar, tf.random.normal(tf.shape(mu))), (mu, logvar)
        z = self.enc_a(images, codes, training=training)
        return z, (z, None)

    def forward(self, images, domains, training=True) -> dict:
        """The official MD_multi.forward on one chunk."""
        codes = self.domain_codes(domains)
        h = tf.shape(images)[0] // 2
        content = self.enc_c(images, training=training)
        c_a, c_b = content[:h], content[h:]
        z, posterior = self._attributes(images, codes, training)
        z_a, z_b = z[:h], z[h:]
        z_random = self.random_attributes(h)
        code_a, code_b = codes[:h], codes[h:]
        out_a = self.gen(tf.concat([c_b, c_a, c_b], 0), tf.concat([z_a, z_a, z_random], 0),
                         tf.concat([code_a] * 3, 0), training=training)
        out_b = self.gen(tf.concat([c_a, c_b, c_a], 0), tf.concat([z_b, z_b, z_random], 0),
                         tf.concat([code_b] * 3, 0), training=training)
        fake_a, fake_aa, rand_a = tf.split(out_a, 3)
        fake_b, fake_bb, rand_b = tf.split(out_b, 3)
        fakes = tf.concat([fake_a, fake_b], 0)
        content_recon = self.enc_c(fakes, training=training)  # first half: B's content
        z_recon, _ = self._attributes(fakes, codes, training)
        recon_a = self.gen(content_recon[h:], z_recon[:h], code_a, training=training)
        recon_b = self.gen(content_recon[:h], z_recon[h:], code_b, training=training)
        randoms = tf.concat([rand_a, rand_b], 0)
        _, (mu2, _) = self._attributes(randoms, codes, training)
        return {"images": images, "codes": codes, "content": content, "posterior": posterior,
                "fakes": fakes, "selfs": tf.concat([fake_aa, fake_bb], 0), "randoms": randoms,
                "recons": tf.concat([recon_a, recon_b], 0), "z_random": z_random, "mu2": mu2}

    # -- losses -----------------------------------------------------------------------------------

    @staticmethod
    def _global_batch(x) -> tf.Tensor:
        """The global batch size: the official sums over the batch become per-example weights."""
        return tf.cast(tf.shape(x)[0] * tf.distribute.get_strategy().num_replicas_in_sync, tf.float32)

    def _dis_loss(self, dis, real, fake, codes) -> tf.Tensor:
        """Per example: patch BCE of real and fake (summed over the batch, official) + lambda_cls *
        domain classification of the real pictures."""
        fake_logits, _ = dis(tf.stop_gradient(fake), training=True)
        real_logits, real_cls = dis(real, training=True)
        gan = losses.gan_loss(fake_logits, False, GAN_MODE) + losses.gan_loss(real_logits, True, GAN_MODE)
        return self._global_batch(real) * gan + self.cfg.loss.lambda_cls * domain_classification_loss(real_cls, codes)

    def _generator_adversarial(self, dis, fake, codes) -> tuple[tf.Tensor, tf.Tensor]:
        """Per example: (GAN term, weighted domain classification term) of fakes of domains `codes`."""
        logits, cls = dis(fake, training=True)
        gan = self._global_batch(fake) * losses.gan_loss(logits, True, GAN_MODE, for_discriminator=False)
        return self.cfg.loss.gan_w * gan, self.cfg.loss.lambda_cls * domain_classification_loss(cls, codes)

    def _content_dis_loss(self, content, codes) -> tf.Tensor:
        return domain_classification_loss(self.dis_content(tf.stop_gradient(content), training=True), codes)

    def eg_terms(self, f) -> dict[str, tf.Tensor]:
        """backward_EG's weighted terms, per example."""
        w = self.cfg.loss
        mu, logvar = f["posterior"]
        kl_za = drit_losses.attribute_kl(mu, logvar)
        gan, cls = self._generator_adversarial(self.dis1, f["fakes"], f["codes"])
        terms = {"g_gan": gan, "g_cls": cls,
                 "g_self": w.lambda_rec * losses.l1_loss(f["selfs"], f["images"]),
                 "g_cc": w.lambda_rec * losses.l1_loss(f["recons"], f["images"]),
                 "g_kl_zc": w.kl_zc_w * drit_losses.mean_square(f["content"]),
                 "g_kl_za": w.kl_za_w * (kl_za if logvar is None else self._global_batch(mu) * kl_za)}
        if self.dis_content is not None:  # the encoder makes contents look like the other domains'
            logits = self.dis_content(f["content"], training=True)
            terms["g_content"] = domain_classification_loss(logits, 1.0 - f["codes"])
        return terms

    def alone_terms(self, f) -> dict[str, tf.Tensor]:
        """backward_G_alone's weighted terms, per example."""
        gan, cls = self._generator_adversarial(self.dis2, f["randoms"], f["codes"])
        z = tf.concat([f["z_random"], f["z_random"]], 0)  # both halves regress the same random code
        # official: the mean over half a plus the mean over half b = twice the mean over the batch
        return {"g_gan2": gan, "g_cls2": cls, "g_latent": 2.0 * self.cfg.loss.latent_w * losses.l1_loss(f["mu2"], z)}

    # -- training ---------------------------------------------------------------------------------

    def _reduce(self, terms: dict[str, tf.Tensor]) -> tf.Tensor:
        """Sum of each per-example term's global-batch mean (terms may cover different batches)."""
        return tf.add_n([self.reduce_loss(v) for v in terms.values()])

    def train_step(self, batch):
        lrs = self.learning_rates()
        *content_chunks, last = self.chunks(batch)
        logs = {}
        for chunk in content_chunks:  # official update_D_content between the full iterations
            contents, codes = self.enc_c(chunk["image"], training=True), self.domain_codes(chunk["domain"])
            self.content_update(lambda: self._content_dis_loss(contents, codes))
        with tf.GradientTape(persistent=True) as g_tape:
            f = self.forward(last["image"], last["domain"], training=True)
        with tf.GradientTape() as d_tape:
            d_terms = {"d_1": self._dis_loss(self.dis1, f["images"], f["fakes"], f["codes"]),
                       "d_2": self._dis_loss(self.dis2, f["images"], f["randoms"], f["codes"])}
            d_loss = self._reduce(d_terms)
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables, self.cfg.weight_decay)
        if self.dis_content is not None:
            logs["d_content"] = self.content_update(lambda: self._content_dis_loss(f["content"], f["codes"]))
        with g_tape:  # the generator losses see the updated discriminators, as official
            eg, alone = self.eg_terms(f), self.alone_terms(f)
            eg_loss, alone_loss = self._reduce(eg), self._reduce(alone)
        self.generator_updates(g_tape, eg_loss, alone_loss)
        del g_tape
        logs.update({k: tf.reduce_mean(v) for k, v in {**d_terms, **eg, **alone}.items()})
        return {**logs, **lrs}

    # -- inference --------------------------------------------------------------------------------

    def attribute_code(self, images, domains) -> tf.Tensor:
        """float32 [B, nz]: attribute codes of images of `domains` (int ids, one or one per image;
        the VAE mean for concat=1)."""
        images = tf.convert_to_tensor(images, tf.float32)
        codes = self._per_image(self.domain_codes(domains), images)
        z = self.enc_a(images, codes, training=False)
        return tf.cast(z[0] if self.cfg.concat else z, tf.float32)

    @staticmethod
    def _per_image(codes: tf.Tensor, images: tf.Tensor) -> tf.Tensor:
        return codes if codes.shape.rank == 2 else tf.tile(codes[None], [tf.shape(images)[0], 1])

    def translate(self, images, target_domain, attribute=None) -> tf.Tensor:
        """float32 images of `target_domain` (an int id, or one per image) in [-1, 1], inference
        mode. images: [B,H,W,C] of any domain (the content encoder is shared), H and W multiples
        of 4. attribute: [B, nz]; None draws N(0, I) ones (another output per call)."""
        images = tf.convert_to_tensor(images, tf.float32)
        codes = self._per_image(self.domain_codes(target_domain), images)
        attribute = self.attributes_for(images, attribute)
        content = self.enc_c(images, training=False)
        return tf.cast(self.gen(content, attribute, codes, training=False), tf.float32)

    def export_endpoints(self) -> list[Endpoint]:
        """serve(_uint8), serve_guided(_uint8), attribute_code, each with a target-domain input (endpoints.py)."""

        return mdmm_endpoints(self)

    def call(self, inputs, training=False):
        return self.translate(inputs, 0)

    def infer(self, batch):
        return self.translate(batch["image"], (batch["domain"] + 1) % self.cfg.num_domains)

    def sample_images(self, batch):
        """For the batch's first pictures: the picture, its self reconstruction, then one column per
        domain with a fixed random attribute (the same codes every time, so grids compare)."""
        images, domains = batch["image"][:SAMPLE_IMAGES], batch["domain"][:SAMPLE_IMAGES]
        own = self.attribute_code(images, domains)
        out = {"real": images, "rec": self.translate(images, domains, attribute=own)}
        fixed = sample_styles(int(images.shape[0]), self.cfg.nz, SAMPLE_SEED)
        for d in range(self.cfg.num_domains):
            out[f"to_{d}"] = self.translate(images, d, attribute=fixed)
        return out
