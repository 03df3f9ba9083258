"""SPADE / GauGAN (Park et al., CVPR 2019): semantic label map (+ instance boundaries) -> photo through
spatially-adaptive normalisation; with use_vae an image encoder gives the style code z (Sec. 3.3).

Losses, as the official pix2pix_model: multi-scale hinge GAN (averaged over scales) + lambda_feat *
feature matching (SPADE weighting) + lambda_vgg * VGG19 + lambda_kld * KL(q(z|image) || N(0, I)).
One iteration is the official trainer's: a G step, then a D step on a fake that the updated G
makes afresh (no gradient), both discriminator passes on fake and real concatenated in one batch.
"""

from __future__ import annotations

import ml_collections
import tensorflow as tf

from tf_i2i import losses
from tf_i2i.layers.spade import parse_spade_norm
from tf_i2i.models.semantic_input import shown_labels
from tf_i2i.models.semantic_model import SemanticSynthesisModel
from tf_i2i.models.spade.networks import (ConvEncoder, SPADEGenerator, parse_norm, reparameterize,
                                          spade_discriminator)
from tf_i2i.models.spade.endpoints import spade_endpoints
from tf_i2i.models.spade.endpoints import label_channels
from tf_i2i.models.serving.endpoint import Endpoint



class SPADE(SemanticSynthesisModel):
    """Batches are dicts {'label': int32 [B,H,W,1] (don't-care already mapped to label_nc),
    'instance': int32 [B,H,W,1] (with use_instance), 'image': float [B,H,W,output_nc] in [-1, 1]},
    at the generator's output size (crop_size, and crop_size / aspect_ratio high)."""

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(cfg, **kwargs)
        g, d, e = cfg.generator, cfg.discriminator, cfg.encoder
        self.generator = SPADEGenerator(g.ngf, g.crop_size, g.aspect_ratio, g.num_upsampling_layers, g.use_vae,
                                        g.z_dim, output_nc=cfg.output_nc, spade_hidden=g.spade_hidden,
                                        name="generator",
                                        **parse_spade_norm(g.norm_G))
        self.encoder = (ConvEncoder(e.ngf, latent_dim=g.z_dim, name="encoder", **parse_norm(e.norm_E))
                        if g.use_vae else None)
        self.discriminator = spade_discriminator(d.ndf, d.n_layers_D, num_D=d.num_D,
                                                 get_interm_feat=cfg.loss.gan_feat_loss, name="discriminator",
                                                 **parse_norm(d.norm_D))

    # -- inputs and generation ------------------------------------------------------------------

    def encode_style(self, image: tf.Tensor, sample: bool = True) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """(z, mu, logvar) of an image: z sampled around mu (training, multimodal), or mu itself."""
        mu, logvar = self.encoder(image, training=sample)
        mu, logvar = tf.cast(mu, tf.float32), tf.cast(logvar, tf.float32)
        return (reparameterize(mu, logvar) if sample else mu), mu, logvar

    def generate(self, batch: dict[str, tf.Tensor], z: tf.Tensor | None = None, training: bool = False) -> tf.Tensor:
        """Image from a label batch; with use_vae z defaults to N(0, I) samples (a random style)."""
        return self.generator(self.label_input(batch), z=z, training=training)

    def _discriminate(self, label_input: tf.Tensor, fake: tf.Tensor, real: tf.Tensor):
        """D on [label | fake] and [label | real] as one batch, as the official discriminate()."""
        pair = tf.concat([tf.concat([label_input, tf.cast(fake, label_input.dtype)], axis=-1),
                          tf.concat([label_input, tf.cast(real, label_input.dtype)], axis=-1)], axis=0)
        n = tf.shape(label_input)[0]
        outputs = self.discriminator(pair, training=True)
        return [[f[:n] for f in scale] for scale in outputs], [[f[n:] for f in scale] for scale in outputs]

    def _fake(self, label_input: tf.Tensor, real: tf.Tensor, training: bool) -> tuple[tf.Tensor, dict]:
        """G's image for the training step; with use_vae z comes from the real image, plus the KL term."""
        terms, z = {}, None
        if self.encoder is not None:
            z, mu, logvar = self.encode_style(real, sample=True)
            terms["g_kld"] = losses.kld_loss(mu, logvar, self.cfg.loss.lambda_kld)
        return self.generator(label_input, z=z, training=training), terms

    # -- building -------------------------------------------------------------------------------

    def build_networks(self, batch):
        label_input = self.label_input(batch)
        fake, _ = self._fake(label_input, batch["image"], training=False)
        self._discriminate(label_input, fake, batch["image"])
        self.build_vgg(fake)

    def call(self, inputs, training=False):
        return self.generate(inputs, training=training)

    # -- training -------------------------------------------------------------------------------

    def train_step(self, batch):
        loss_cfg, mode = self.cfg.loss, self.cfg.loss.gan_mode
        lrs = self.learning_rates()
        label_input, real = self.label_input(batch), batch["image"]
        with tf.GradientTape() as g_tape:
            fake, terms = self._fake(label_input, real, training=True)
            pred_fake, pred_real = self._discriminate(label_input, fake, real)
            terms["g_gan"] = losses.multiscale_gan_loss(pred_fake, True, mode, for_discriminator=False,
                                                        average_scales=True)
            if loss_cfg.gan_feat_loss:
                terms["g_feat"] = losses.feature_matching_loss(pred_fake, pred_real, lambda_feat=loss_cfg.lambda_feat,
                                                               weighting="spade")
            if self.vgg is not None:
                terms["g_vgg"] = losses.vgg_loss(fake, real, self.vgg, loss_cfg.lambda_vgg)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables)

        fake_for_d, _ = self._fake(label_input, real, training=True)
        with tf.GradientTape() as d_tape:
            pred_fake, pred_real = self._discriminate(label_input, tf.stop_gradient(fake_for_d), real)
            d_fake = losses.multiscale_gan_loss(pred_fake, False, mode, average_scales=True)
            d_real = losses.multiscale_gan_loss(pred_real, True, mode, average_scales=True)
            d_loss = self.reduce_loss(d_fake + d_real)
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables)
        logs = {name: tf.reduce_mean(value) for name, value in terms.items()}
        return {**logs, "d_real": tf.reduce_mean(d_real), "d_fake": tf.reduce_mean(d_fake), **lrs}

    # -- outputs --------------------------------------------------------------------------------

    def infer(self, batch):
        return self.generate(batch)

    def sample_images(self, batch):
        shown = {"label": shown_labels(batch, self.cfg.label_nc), "output": self.generate(batch)}
        if self.encoder is not None:  # the style of the target photo, then a random style
            z, _, _ = self.encode_style(batch["image"], sample=False)
            shown = {"label": shown["label"], "styled": self.generator(self.label_input(batch), z=z),
                     "random": shown["output"]}
        return {**shown, "target": batch["image"]}

    # -- inference and export -------------------------------------------------------------------

    def synthesize(self, batch: dict[str, tf.Tensor], z=None) -> tf.Tensor:
        """float32 images [B,H,W,output_nc] in [-1, 1] of a label batch ('label', + 'instance'), inference mode.

        With use_vae, z [B, z_dim] picks the style: N(0, I) samples give other looks of the same
        label map (multimodal synthesis; z=None draws new ones every call), style_code(photo) that
        photo's look, and interpolate_styles the looks in between. Without use_vae the output is
        deterministic and z must be None.
        """
        if z is not None:
            if self.encoder is None:
                raise ValueError("this SPADE model has no style encoder (generator.use_vae is False): z does not apply")
            z = tf.convert_to_tensor(z, tf.float32)
            if z.shape.rank != 2 or z.shape[-1] != self.cfg.generator.z_dim:
                raise ValueError(f"z must be [batch, {self.cfg.generator.z_dim}], got {z.shape}")
        return tf.cast(self.generate(batch, z=z), tf.float32)

    def style_code(self, image) -> tf.Tensor:
        """z [B, z_dim] of photos [B,h,w,output_nc] in [-1, 1] of any size: the encoder's mean, the
        deterministic code of their style (style-guided synthesis: synthesize(batch, style_code(photo)))."""
        if self.encoder is None:
            raise ValueError("this SPADE model has no style encoder (generator.use_vae is False)")
        z, _, _ = self.encode_style(tf.convert_to_tensor(image, tf.float32), sample=False)
        return z

    def export_endpoints(self) -> list[Endpoint]:
        """serve(_uint8); with use_vae also serve_style(_uint8) and style_code (see endpoints.py)."""

        return spade_endpoints(self)

    def build_generators(self) -> None:
        """G (and E) on zero inputs at the output size, so a checkpoint can restore them."""

        height, width = self.generator.output_size
        self.generator(tf.zeros([1, height, width, label_channels(self.cfg)]), training=False)
        if self.encoder is not None:
            self.encoder(tf.zeros([1, height, width, self.cfg.output_nc]), training=False)
