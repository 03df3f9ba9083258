"""UNIT (Liu et al., NeurIPS 2017) as the official 2018 trainer trains it: two VAE generators whose
latent codes share one space, two multi-scale LSGAN discriminators.

Per domain X (and its partner Y), with h = enc_X(x) the latent mean and z = h + N(0, I) (the
official code fixes the variance to 1):
  gan_w * LSGAN(dis_Y, dec_Y(z))               adversarial, summed over the discriminator's scales
  recon_x_w * |dec_X(z) - x|                   in-domain reconstruction (from the noisy code)
  recon_kl_w * mean(h^2)                       KL(N(h, I) || N(0, I)) up to a constant
  recon_x_cyc_w * |dec_X(h' + n) - x|          cycle, h' = enc_Y(dec_Y(z))
  recon_kl_cyc_w * mean(h'^2)                  KL of the cycle code
  vgg_w * |IN(VGG16(dec_Y(z))) - IN(VGG16(x))|^2  domain-invariant perceptual (if vgg_w > 0)
The discriminators learn from their own fresh noisy translations first (official dis_update), then
the generators take their step; translation (sample/test) uses the noiseless mean.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.models.two_domain import TwoDomainModel
from tf_i2i.models.unit.networks import VAEGenerator
from tf_i2i.nets.encode_decode import EncodeDecode

DIRECTIONS = ("a2b", "b2a")


def latent_kl(hiddens: tf.Tensor) -> tf.Tensor:
    """Per-example mean(h^2): the official compute_kl, KL(N(h, I) || N(0, I)) without its constant
    factor 1/2 and the dimension count."""
    h = tf.cast(hiddens, tf.float32)
    return tf.reduce_mean(tf.reshape(tf.square(h), [tf.shape(h)[0], -1]), axis=1)


def with_noise(hiddens: tf.Tensor) -> tf.Tensor:
    """h + N(0, I): a draw from the unit-variance Gaussian posterior (training only)."""
    return hiddens + tf.random.normal(tf.shape(hiddens), dtype=hiddens.dtype)


class UNIT(TwoDomainModel):
    """Batches {'A': [B,H,W,input_nc], 'B': [B,H,W,output_nc]}. gen_a/dis_a belong to domain A.

    cfg.generator.n_shared ties the last n_shared encoder and first n_shared decoder residual
    blocks of gen_b to gen_a's (the paper's weight sharing; the official code shares none).
    `a2b` / `b2a` are the cross-domain translators (gen_a's encoder + gen_b's decoder and back).
    """

    def __init__(self, cfg, **kwargs):
        super().__init__(cfg, **kwargs)
        self.a2b = EncodeDecode(self.gen_a.enc, self.gen_b.dec, name="a2b")
        self.b2a = EncodeDecode(self.gen_b.enc, self.gen_a.dec, name="b2a")

    def make_generators(self) -> tuple[VAEGenerator, VAEGenerator]:
        g = self.cfg.generator

        def gen(channels: int, name: str, share_with: VAEGenerator | None = None) -> VAEGenerator:
            return VAEGenerator(channels, g.dim, g.n_downsample, g.n_res, g.activ, g.pad_type,
                                share_with=share_with, n_shared=g.n_shared if share_with else 0, name=name)

        gen_a = gen(self.cfg.input_nc, "gen_a")
        return gen_a, gen(self.cfg.output_nc, "gen_b", share_with=gen_a)

    # -- building -------------------------------------------------------------------------------

    def _build_autoencoders(self, x_a: tf.Tensor, x_b: tf.Tensor) -> None:
        """Both generators through encode/decode, gen_a first, then the translators: the variable
        paths (checkpoint keys) then read 'enc/...', not 'gen_a/enc/...' or 'a2b/enc/...', in
        training and inference alike, tied blocks included."""
        for gen, x in ((self.gen_a, x_a), (self.gen_b, x_b)):
            gen.decode(gen.encode(x, training=False), training=False)
        self.a2b(x_a, training=False)  # now only marks the translators built (export needs it)
        self.b2a(x_b, training=False)

    # -- training -------------------------------------------------------------------------------

    def discriminator_fakes(self, real_a, real_b):
        h_a = self.gen_a.encode(real_a, training=True)
        h_b = self.gen_b.encode(real_b, training=True)
        return (self.gen_a.decode(with_noise(h_b), training=True),
                self.gen_b.decode(with_noise(h_a), training=True))

    def generator_terms(self, real_a, real_b):
        c = self.cfg.loss
        gen_a, gen_b = self.gen_a, self.gen_b
        h_a, h_b = gen_a.encode(real_a, training=True), gen_b.encode(real_b, training=True)
        z_a, z_b = with_noise(h_a), with_noise(h_b)
        rec_a, rec_b = gen_a.decode(z_a, training=True), gen_b.decode(z_b, training=True)
        fake_a, fake_b = gen_a.decode(z_b, training=True), gen_b.decode(z_a, training=True)
        h_a_cyc, h_b_cyc = gen_b.encode(fake_b, training=True), gen_a.encode(fake_a, training=True)
        terms = {
            "g_gan_a": c.gan_w * self.adversarial_loss(self.dis_a, fake_a),
            "g_gan_b": c.gan_w * self.adversarial_loss(self.dis_b, fake_b),
            "g_recon_x_a": c.recon_x_w * losses.l1_loss(rec_a, real_a),
            "g_recon_x_b": c.recon_x_w * losses.l1_loss(rec_b, real_b),
            "g_kl_a": c.recon_kl_w * latent_kl(h_a),
            "g_kl_b": c.recon_kl_w * latent_kl(h_b),
            "g_kl_cyc_a": c.recon_kl_cyc_w * latent_kl(h_a_cyc),
            "g_kl_cyc_b": c.recon_kl_cyc_w * latent_kl(h_b_cyc),
        }
        if c.recon_x_cyc_w > 0:  # as the official trainer, skip the cycle decodes when unweighted
            cyc_a = gen_a.decode(with_noise(h_a_cyc), training=True)
            cyc_b = gen_b.decode(with_noise(h_b_cyc), training=True)
            terms["g_cyc_x_a"] = c.recon_x_cyc_w * losses.l1_loss(cyc_a, real_a)
            terms["g_cyc_x_b"] = c.recon_x_cyc_w * losses.l1_loss(cyc_b, real_b)
        if self.vgg is not None:  # each translation against its own input
            terms["g_vgg_a"] = c.vgg_w * losses.domain_invariant_perceptual_loss(fake_a, real_b, self.vgg)
            terms["g_vgg_b"] = c.vgg_w * losses.domain_invariant_perceptual_loss(fake_b, real_a, self.vgg)
        return terms

    # -- inference ------------------------------------------------------------------------------

    def translator(self, direction: str = "a2b") -> EncodeDecode:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        return self.a2b if direction == "a2b" else self.b2a

    def translate(self, images: tf.Tensor, direction: str = "a2b") -> tf.Tensor:
        """Noiseless translation (the latent mean), as the official sample and test do: A images
        [B,H,W,input_nc] -> B images for 'a2b', the reverse for 'b2a'."""
        if not all(net.built for gen in self.generator_networks() for net in (gen.enc, gen.dec)):
            self.build_generators()  # first, so checkpoint keys stay as training builds them
        return self.translator(direction)(images, training=False)

    def call(self, inputs, training=False):
        return self.a2b(inputs, training=training)

    def sample_images(self, batch):
        """Per domain: input, reconstruction, translation, cycle (all noiseless)."""
        out = {}
        for x, own, other, src, dst in ((batch["A"], self.gen_a, self.gen_b, "A", "B"),
                                        (batch["B"], self.gen_b, self.gen_a, "B", "A")):
            h = own.encode(x, training=False)
            fake = other.decode(h, training=False)
            out.update({f"real_{src}": x, f"rec_{src}": own.decode(h, training=False), f"fake_{dst}": fake,
                        f"cyc_{src}": own.decode(other.encode(fake, training=False), training=False)})
        return out

    def export_generators(self) -> dict[str, tuple[keras.Model, int]]:
        return {"serve": (self.a2b, self.cfg.input_nc), "serve_b2a": (self.b2a, self.cfg.output_nc)}
