"""MUNIT (Huang et al., ECCV 2018) as the official trainer trains it: per domain an AdaIN auto-encoder
that splits an image into a content code (shared by the domains) and a style code (its own domain's),
plus a multi-scale discriminator.

Per domain X with partner Y, c_x / s_x the codes of a real x, s_y ~ N(0, I) a random style of Y:
  gan_w * GAN(dis_Y, dec_Y(c_x, s_y))                  summed over the discriminator's scales
  recon_x_w * |dec_X(c_x, s_x) - x|                    image reconstruction
  recon_s_w * |enc_style_Y(dec_Y(c_x, s_y)) - s_y|     style reconstruction (latent)
  recon_c_w * |enc_content_Y(dec_Y(c_x, s_y)) - c_x|   content reconstruction (latent)
  recon_x_cyc_w * |dec_X(c_x', s_x) - x|               optional explicit cycle, c_x' the recovered content
  vgg_w * IN-MSE(VGG16(dec_Y(c_x, s_y)), VGG16(x))     optional domain-invariant perceptual loss
The discriminators first learn from their own fresh random-style translations (official
dis_update), then the generators take their step (gen_update).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.nets.adain_generator import AdaINGenerator
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.two_domain import TwoDomainModel
from tf_i2i.models.munit.endpoints import munit_endpoints
from tf_i2i.models.serving.endpoint import Endpoint


DIRECTIONS = ("a2b", "b2a")
DOMAINS = ("a", "b")
SAMPLE_STYLES = 3  # fixed random style codes per sample-grid row and direction (official s_a / s_b)
SAMPLE_SEED = 0


class MUNIT(TwoDomainModel):
    """Batches {'A': [B,H,W,input_nc], 'B': [B,H,W,output_nc]} in [-1, 1]; gen_a / dis_a belong to
    domain A. Style codes are float32 [B, generator.style_dim].

    Multimodal: translate(x) draws a new N(0, I) style per call; translate(x, style=codes) uses
    given ones. Example-guided: translate(x, style=style_code(reference, "b")). Interpolation:
    tf_i2i.models.codes.interpolate_styles(code_1, code_2, steps) gives the codes between.
    """

    def make_generators(self) -> tuple[AdaINGenerator, AdaINGenerator]:
        g = self.cfg.generator

        def gen(channels: int, name: str) -> AdaINGenerator:
            return AdaINGenerator(channels, g.dim, g.style_dim, g.n_downsample, g.n_res, g.activ, g.pad_type,
                                  g.mlp_dim, name=name)

        return gen(self.cfg.input_nc, "gen_a"), gen(self.cfg.output_nc, "gen_b")

    @property
    def style_dim(self) -> int:
        return self.cfg.generator.style_dim

    def random_styles(self, images: tf.Tensor) -> tf.Tensor:
        """N(0, I) style codes, one per image of the batch."""
        return tf.random.normal([tf.shape(images)[0], self.style_dim])

    # -- building -------------------------------------------------------------------------------

    def _build_autoencoders(self, x_a: tf.Tensor, x_b: tf.Tensor) -> None:
        """Both generators through their own call, which builds all four parts (the style encoder
        too, which the discriminator update never runs), the same way in training and inference."""
        self.gen_a(x_a, training=False)
        self.gen_b(x_b, training=False)

    # -- training -------------------------------------------------------------------------------

    def discriminator_fakes(self, real_a, real_b):
        """(x_ba, x_ab): each real's content decoded in the other domain with a random style."""
        c_a = self.gen_a.enc_content(real_a, training=True)
        c_b = self.gen_b.enc_content(real_b, training=True)
        return (self.gen_a.decode(c_b, self.random_styles(real_b), training=True),
                self.gen_b.decode(c_a, self.random_styles(real_a), training=True))

    def generator_terms(self, real_a, real_b):
        c = self.cfg.loss
        reals = {"a": real_a, "b": real_b}
        gens = {"a": self.gen_a, "b": self.gen_b}
        dis = {"a": self.dis_a, "b": self.dis_b}
        codes = {x: gens[x].encode(reals[x], training=True) for x in DOMAINS}  # (content, own style)
        terms = {}
        for x, y in (("a", "b"), ("b", "a")):  # x's content, translated to y and back
            content, style = codes[x]
            random_style = self.random_styles(reals[x])
            recon = gens[x].decode(content, style, training=True)
            fake = gens[y].decode(content, random_style, training=True)
            content_back, style_back = gens[y].encode(fake, training=True)
            terms[f"g_adv_{y}"] = c.gan_w * self.adversarial_loss(dis[y], fake)
            terms[f"g_recon_x_{x}"] = c.recon_x_w * losses.l1_loss(recon, reals[x])
            terms[f"g_recon_s_{y}"] = c.recon_s_w * losses.l1_loss(style_back, random_style)
            terms[f"g_recon_c_{x}"] = c.recon_c_w * losses.l1_loss(content_back, content)
            if c.recon_x_cyc_w > 0:  # as the official trainer, skip the cycle decode when unweighted
                cycle = gens[x].decode(content_back, style, training=True)
                terms[f"g_cyc_x_{x}"] = c.recon_x_cyc_w * losses.l1_loss(cycle, reals[x])
            if self.vgg is not None:
                terms[f"g_vgg_{y}"] = c.vgg_w * losses.domain_invariant_perceptual_loss(fake, reals[x], self.vgg)
        return terms

    # -- inference ------------------------------------------------------------------------------

    def pair(self, direction: str = "a2b") -> tuple[AdaINGenerator, AdaINGenerator]:
        """(source generator, target generator) of a direction: its content and its decoder/styles."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
        return (self.gen_a, self.gen_b) if direction == "a2b" else (self.gen_b, self.gen_a)

    def translate(self, images, direction: str = "a2b", style=None) -> tf.Tensor:
        """float32 images in [-1, 1] of the target domain, inference mode.

        images: [B,H,W,C] of the source domain (A for 'a2b'), H and W multiples of 2**n_downsample.
        style: [B, style_dim] codes of the target domain; None draws new N(0, I) codes (another
        output per call: multimodal), style_code(reference, target domain) copies a reference's.
        """
        source, target = self.pair(direction)
        images = tf.convert_to_tensor(images, tf.float32)
        if style is None:
            style = self.random_styles(images)
        style = tf.convert_to_tensor(style, tf.float32)
        if style.shape.rank != 2 or style.shape[-1] != self.style_dim:
            raise ValueError(f"style must be [batch, {self.style_dim}], got {style.shape}")
        return tf.cast(target.decode(source.enc_content(images, training=False), style, training=False), tf.float32)

    def style_code(self, images, domain: str = "b") -> tf.Tensor:
        """float32 [B, style_dim]: the style codes of images [B,h,w,C] (any size) of `domain`."""
        if domain not in DOMAINS:
            raise ValueError(f"domain must be one of {DOMAINS}, got {domain!r}")
        gen = self.gen_a if domain == "a" else self.gen_b
        return tf.cast(gen.enc_style(tf.convert_to_tensor(images, tf.float32), training=False), tf.float32)

    def call(self, inputs, training=False):
        return self.translate(inputs)

    def infer(self, batch):
        return self.translate(batch["A"])

    def sample_images(self, batch):
        """Per direction: input, reconstruction, SAMPLE_STYLES fixed random styles (the same codes at
        every step, so grids compare over training), and the style of the row's other-domain image."""
        out = {}
        for direction, x, reference in (("a2b", batch["A"], batch["B"]), ("b2a", batch["B"], batch["A"])):
            source, target = self.pair(direction)
            src, dst = direction[0].upper(), direction[2].upper()
            content, style = source.encode(x, training=False)
            out[f"real_{src}"] = x
            out[f"rec_{src}"] = source.decode(content, style, training=False)
            n = int(x.shape[0])
            fixed = sample_styles(SAMPLE_STYLES * n, self.style_dim, SAMPLE_SEED + DIRECTIONS.index(direction))
            for i, codes in enumerate(np.split(fixed, SAMPLE_STYLES)):
                out[f"{src}2{dst}_s{i}"] = target.decode(content, codes, training=False)
            out[f"{src}2{dst}_guided"] = target.decode(content, target.enc_style(reference, training=False),
                                                       training=False)
        return out

    def export_endpoints(self) -> list[Endpoint]:
        """serve(_uint8), serve_guided(_uint8), style_code and their _b2a counterparts (endpoints.py)."""

        return munit_endpoints(self)
