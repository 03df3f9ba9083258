"""What the DRIT and multi-domain DRIT++ (MDMM) trainers share: the official iteration around a
content discriminator and the two encoder/generator updates.

The official loops update the content discriminator alone on d_iter - 1 batches, then on the
d_iter-th run one forward, update the other discriminators and the content discriminator, then
the encoders and generators twice from that same forward: backward_EG (content and attribute
encoders and generator), then backward_G_alone (content encoder and generator only; the
attribute encoder's gradient from it is discarded). One training step here is one such iteration,
so its batch holds d_iter chunks.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.models.base import GANModel
from tf_i2i.models.size_limits import SizeLimits
from tf_i2i.nets.weight_init import init_weights
from tf_i2i.models.scaled_optimizer import scaled_optimizer


class DisentangledGAN(GANModel):
    """Subclasses create enc_c, enc_a, gen, their discriminators and `dis_content` (or None), and
    list the discriminators in discriminator_networks(). cfg: d_iter, nz, init, weight_decay,
    content_lr_factor (official lr / 2.5), content_clip_norm (official 5)."""

    dis_content: keras.Model | None

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg

    def generator_networks(self) -> list[keras.Model]:
        return [self.enc_c, self.enc_a, self.gen]

    @property
    def d_variables(self) -> list:
        """The image discriminators' variables (the content discriminator has its own optimizer)."""
        return [v for net in self.discriminator_networks() if net is not self.dis_content
                for v in net.trainable_variables]

    @property
    def d_iter(self) -> int:
        """Batches per official iteration: cfg.d_iter with a content discriminator, else 1."""
        return self.cfg.d_iter if self.dis_content is not None else 1

    def compile(self, g_optimizer, d_optimizer, **kwargs) -> None:
        """Also makes the content discriminator's optimizer: d_optimizer's kind and schedule at
        cfg.content_lr_factor times its rate, d_iter updates per training step."""
        super().compile(g_optimizer, d_optimizer, **kwargs)
        if self.dis_content is not None:
            self.content_optimizer = scaled_optimizer(d_optimizer, self.cfg.content_lr_factor, self.d_iter,
                                                      "content_adam")

    def optimizer_groups(self):
        groups = super().optimizer_groups()
        if self.dis_content is not None:
            groups["content_optimizer"] = (self.content_optimizer, self.dis_content.trainable_variables)
        return groups

    @property
    def size_multiple(self) -> int:
        return 4  # two stride-2 content convs, two stride-2 generator upsamplings

    def input_size_limits(self) -> SizeLimits:
        """Multiples of size_multiple; with a content discriminator, only sides whose content map
        (the image / size_multiple) it reduces to a logit map it accepts."""
        m = self.size_multiple
        if self.dis_content is None:
            return SizeLimits(m)
        low, high = self.dis_content.input_side_range(self.dis_content.max_logits_side)
        maps = f"{low} px or more" if high is None else f"{low}..{high} px"
        return SizeLimits(m, low * m, None if high is None else high * m + m - 1,
                          f"the content discriminator needs content maps of {maps}, the image / {m}")

    def chunks(self, batch: dict[str, tf.Tensor]) -> list[dict[str, tf.Tensor]]:
        """The batch as d_iter chunks of an even size (official 'encoded' and 'random' halves)."""
        n = next(iter(batch.values())).shape[0]
        if n is None or n % self.d_iter or (n // self.d_iter) % 2:
            raise ConfigError(f"{type(self).__name__} needs a per-replica batch of d_iter * an even chunk size "
                             f"(d_iter={self.d_iter}), got {n}: set train.batch_size to a multiple of "
                             f"2 * d_iter * replicas")
        parts = {k: tf.split(v, self.d_iter) for k, v in batch.items()}
        return [{k: v[i] for k, v in parts.items()} for i in range(self.d_iter)]

    def apply_official_init(self) -> None:
        """cfg.init on every built network (official: gaussian_weights_init, 'conv_gaussian')."""
        for net in self.generator_networks() + self.discriminator_networks():
            init_weights(net, self.cfg.init)

    def random_attributes(self, n) -> tf.Tensor:
        """N(0, I) attribute codes [n, nz]."""
        return tf.random.normal(tf.stack([n, self.cfg.nz]))

    def attributes_for(self, images: tf.Tensor, attribute=None) -> tf.Tensor:
        """float32 [B, nz] codes for translating `images`: `attribute` checked, or N(0, I) draws
        when None (another output per call)."""
        if attribute is None:
            return self.random_attributes(tf.shape(images)[0])
        attribute = tf.convert_to_tensor(attribute, tf.float32)
        if attribute.shape.rank != 2 or attribute.shape[-1] != self.cfg.nz:
            raise ValueError(f"attribute must be [batch, {self.cfg.nz}], got {attribute.shape}")
        return attribute

    @staticmethod
    def replica_mean(scalar: tf.Tensor) -> tf.Tensor:
        """A batch-level scalar loss as this replica's share of the mean over replicas."""
        return scalar / tf.distribute.get_strategy().num_replicas_in_sync

    def content_update(self, per_example_loss) -> tf.Tensor:
        """One content discriminator step on the loss `per_example_loss()` computes (clipped to
        cfg.content_clip_norm, official clip_grad_norm_); returns its batch mean."""
        with tf.GradientTape() as tape:
            per_example = per_example_loss()
            loss = self.reduce_loss(per_example)
        self.apply(self.content_optimizer, tape, loss, self.dis_content.trainable_variables,
                   self.cfg.weight_decay, clip_norm=self.cfg.content_clip_norm)
        return tf.reduce_mean(per_example)

    def generator_updates(self, tape: tf.GradientTape, eg_loss: tf.Tensor, alone_loss: tf.Tensor) -> None:
        """update_EG: an Adam step of E_c, E_a, G on eg_loss, then of E_c, G on alone_loss, both
        gradients from the forward `tape` (persistent) recorded. The step counter (training step,
        learning-rate clock) counts the official iteration once."""
        wd = self.cfg.weight_decay
        self.apply(self.g_optimizer, tape, eg_loss, self.g_variables, wd)
        alone = [*self.enc_c.trainable_variables, *self.gen.trainable_variables]
        self.apply(self.g_optimizer, tape, alone_loss, alone, wd)
        self.g_optimizer.iterations.assign_sub(1)
