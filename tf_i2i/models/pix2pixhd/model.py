"""pix2pixHD (Wang et al., CVPR 2018): semantic label map (+ instance boundaries, + instance-wise
features) -> photo, with a coarse-to-fine generator and a multi-scale discriminator.

Losses (Sec. 3.2-3.3): multi-scale GAN (LSGAN by default) + lambda_feat * discriminator feature
matching + lambda_vgg * VGG19 perceptual loss. The coarse-to-fine schedule: stage "global" trains
G1 alone at half resolution; stage "local" wraps G1 (initialised from a global run through
`load_pretrain`) in the local enhancer G2, trains only G2 for `niter_fix_global` steps, then both.
"""

from __future__ import annotations

import math
import ml_collections
import tensorflow as tf
from absl import logging

from tf_i2i import losses
from tf_i2i.errors import ConfigError
from tf_i2i.models.pix2pixhd.networks import FeatureEncoder, GlobalGenerator, LocalEnhancer
from tf_i2i.models.pix2pixhd.pretrained import load_global_stage
from tf_i2i.models.semantic_input import shown_labels
from tf_i2i.models.semantic_model import SemanticSynthesisModel
from tf_i2i.nets import MultiscaleDiscriminator
from tf_i2i.models.pix2pixhd.endpoints import pix2pixhd_endpoints
from tf_i2i.models.serving.sizes import build_side
from tf_i2i.models.pix2pixhd.endpoints import generator_channels
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.pix2pixhd.clusters import Clusters


STAGES = ("global", "local")


class Pix2PixHD(SemanticSynthesisModel):
    """Batches are dicts {'label': int32 [B,H,W,1] (or 'label_image' float when label_nc is 0),
    'instance': int32 [B,H,W,1] (with use_instance), 'image': float [B,H,W,output_nc] in [-1, 1]}."""

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        if cfg.stage not in STAGES:
            raise ConfigError(f"model.stage must be one of {STAGES}, got {cfg.stage!r}")
        super().__init__(cfg, **kwargs)
        g, d, e = cfg.generator, cfg.discriminator, cfg.encoder
        if e.instance_feat and e.feat_num > 0 and not cfg.use_instance:
            raise ConfigError("model.encoder.instance_feat pools features over instances: it needs "
                             "data.use_instance=True (instance maps), or set instance_feat=False")
        if cfg.stage == "global":
            self.generator = GlobalGenerator(cfg.output_nc, g.ngf, g.n_downsample_global, g.n_blocks_global,
                                             g.norm, name="generator")
        else:
            self.generator = LocalEnhancer(cfg.output_nc, g.ngf, g.n_downsample_global, g.n_blocks_global,
                                           g.n_local_enhancers, g.n_blocks_local, g.norm, name="generator")
        self.use_features = (e.instance_feat or e.label_feat) and e.feat_num > 0
        self.encoder = (FeatureEncoder(e.feat_num, e.nef, e.n_downsample_E, g.norm, name="encoder")
                        if self.use_features else None)
        self.discriminator = MultiscaleDiscriminator(d.ndf, d.n_layers_D, d.norm, num_D=d.num_D,
                                                     get_interm_feat=cfg.loss.gan_feat_loss,
                                                     name="discriminator")

    # -- inputs ---------------------------------------------------------------------------------

    def feature_regions(self, batch: dict[str, tf.Tensor]) -> tf.Tensor:
        """Ids whose regions share one encoded feature: instances, or classes with label_feat."""
        return batch["label"] if self.cfg.encoder.label_feat else batch["instance"]

    def encode_features(self, batch: dict[str, tf.Tensor], training: bool = False) -> tf.Tensor:
        """E(image) averaged over each region (Sec. 3.4): [B,H,W,feat_num]."""
        return self.encoder(batch["image"], self.feature_regions(batch), training=training)

    def generator_input(self, label_input: tf.Tensor, features: tf.Tensor | None) -> tf.Tensor:
        if features is None:
            return label_input
        return tf.concat([label_input, tf.cast(features, label_input.dtype)], axis=-1)

    def generate(self, batch: dict[str, tf.Tensor], features: tf.Tensor | None = None,
                 training: bool = False) -> tf.Tensor:
        """Image from a batch; the features default to the encoding of batch['image'] (when used)."""
        if self.use_features and features is None:
            features = self.encode_features(batch, training=training)
        return self.generator(self.generator_input(self.label_input(batch), features), training=training)

    def _discriminate(self, label_input: tf.Tensor, image: tf.Tensor) -> list[list[tf.Tensor]]:
        return self.discriminator(tf.concat([label_input, tf.cast(image, label_input.dtype)], axis=-1),
                                  training=True)

    # -- building -------------------------------------------------------------------------------

    def build_networks(self, batch):
        fake = self.generate(batch)
        self.discriminator(tf.concat([self.label_input(batch), tf.cast(fake, self.compute_dtype)], axis=-1))
        self.build_vgg(fake)

    def warm_start(self) -> str | None:
        """Local stage of a fresh run: G1, E (and D when it has the same shape) from the global run."""
        if self.cfg.stage != "local" or not self.cfg.load_pretrain:
            return None
        loaded = load_global_stage(self, self.cfg.load_pretrain)
        logging.info("initialised %s from the global stage %s", ", ".join(loaded), self.cfg.load_pretrain)
        return self.cfg.load_pretrain

    def call(self, inputs, training=False):
        return self.generate(inputs, training=training)

    # -- training -------------------------------------------------------------------------------

    def _g_gradients(self, tape: tf.GradientTape, loss: tf.Tensor) -> list[tf.Tensor]:
        """Gradients of the generator variables; G1's are zero while the global generator is fixed.

        Zero gradients from the start leave Adam's moments at zero, so G1 stays exactly unchanged
        (the official code leaves G1 out of the optimizer for those steps instead).
        """
        variables = self.g_variables
        grads = tape.gradient(loss, variables)
        if self.cfg.stage != "local" or self.cfg.niter_fix_global <= 0:
            return grads
        fixed = {id(v) for v in self.generator.global_net.trainable_variables}
        train_g1 = tf.cast(self.g_optimizer.iterations >= self.cfg.niter_fix_global, tf.float32)
        return [g * tf.cast(train_g1, g.dtype) if id(v) in fixed else g for g, v in zip(grads, variables)]

    def train_step(self, batch):
        """G and D losses from one forward pass, then the G step and the D step (official order)."""
        loss_cfg = self.cfg.loss
        mode = loss_cfg.gan_mode
        lrs = self.learning_rates()
        label_input = self.label_input(batch)
        real = batch["image"]
        with tf.GradientTape() as g_tape:
            fake = self.generate(batch, training=True)
            with g_tape.stop_recording(), tf.GradientTape() as d_tape:
                pred_fake_detached = self._discriminate(label_input, tf.stop_gradient(fake))
                pred_real = self._discriminate(label_input, real)
                d_fake = losses.multiscale_gan_loss(pred_fake_detached, False, mode)
                d_real = losses.multiscale_gan_loss(pred_real, True, mode)
                d_loss = self.reduce_loss(0.5 * (d_fake + d_real))
            pred_fake = self._discriminate(label_input, fake)
            terms = {"g_gan": losses.multiscale_gan_loss(pred_fake, True, mode, for_discriminator=False)}
            if loss_cfg.gan_feat_loss:
                terms["g_feat"] = losses.feature_matching_loss(
                    pred_fake, pred_real, self.cfg.discriminator.n_layers_D, loss_cfg.lambda_feat)
            if self.vgg is not None:
                terms["g_vgg"] = losses.vgg_loss(fake, real, self.vgg, loss_cfg.lambda_vgg)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.g_optimizer.apply_gradients(zip(self._g_gradients(g_tape, g_loss), self.g_variables))
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables)
        logs = {name: tf.reduce_mean(value) for name, value in terms.items()}
        return {**logs, "d_real": tf.reduce_mean(d_real), "d_fake": tf.reduce_mean(d_fake), **lrs}

    # -- outputs --------------------------------------------------------------------------------

    def infer(self, batch):
        return self.generate(batch)

    def sample_images(self, batch):
        return {"label": shown_labels(batch, self.cfg.label_nc), "output": self.generate(batch),
                "target": batch["image"]}

    # -- export ---------------------------------------------------------------------------------

    def export_endpoints(self, clusters: Clusters | None = None) -> list[Endpoint]:
        """serve(_uint8), serve_features with an encoder, serve_clusters with `clusters` (see endpoints.py)."""

        return pix2pixhd_endpoints(self, clusters)

    def build_generators(self) -> None:
        """G and E on zero inputs of a size both allow, so a checkpoint can restore them."""

        side = build_side(math.lcm(*[net.size_multiple for net in self.generator_networks()]))
        self.generator(tf.zeros([1, side, side, generator_channels(self)]), training=False)
        if self.encoder is not None:
            self.encoder(tf.zeros([1, side, side, self.cfg.output_nc]), tf.zeros([1, side, side, 1], tf.int32))
