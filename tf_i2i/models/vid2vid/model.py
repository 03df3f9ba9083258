"""vid2vid (Wang et al., NeurIPS 2018): label frames -> a temporally coherent video.

One training step is one chunk of a sequence (official train.py's inner loop): the generators make
the chunk's new frames one after another, each from its label frames and the frames generated before
it; then G, D and every temporal discriminator D_T<s> take one update each. The last generated frames
and the temporal discriminators' frame history carry over to the next chunk (chunk_state.py); the data
stream restarts them with each sequence (batch['chunk'] == 0).

Losses (official Vid2VidModelD, weights from cfg.loss): LSGAN image GAN on the frame and on the
hallucinated frame h~ + feature matching + VGG on both; flow L1 to the reference flow and warp L1 of
the real previous frame, both masked by the flow's confidence; the generated frame against the
previous generated frame warped by the reference flow; the occlusion-weight term with no_first_img;
per temporal scale, LSGAN + feature matching of D_T on K frames and their reference flows.
"""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf
from absl import logging

from tf_i2i import losses
from tf_i2i.errors import ConfigError
from tf_i2i.models.base import GANModel
from tf_i2i.models.scaled_optimizer import scaled_optimizer
from tf_i2i.models.semantic_input import shown_labels
from tf_i2i.models.size_limits import SizeLimits
from tf_i2i.models.update_guard import skippable_gradients
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.vid2vid.chunk_state import ChunkState
from tf_i2i.models.vid2vid.endpoints import vid2vid_endpoints
from tf_i2i.models.vid2vid.generation import frame_pyramid, generate_frames
from tf_i2i.models.vid2vid.inputs import encode_label_frames, fold_time, unfold_time
from tf_i2i.models.vid2vid.networks import CompositeGenerator, CompositeLocalGenerator
from tf_i2i.models.vid2vid.pretrained import load_coarser_run
from tf_i2i.models.vid2vid.reference_flow import flow_confidence
from tf_i2i.models.vid2vid.sample_video import write_sample_video
from tf_i2i.models.vid2vid.temporal import (append_frames, group_positions, history_length, newest,
                                            temporal_discriminator_input, temporal_groups)
from tf_i2i.layers.flow_warp import warp
from tf_i2i.nets import MultiscaleDiscriminator
from tf_i2i.nets.vgg import VGG19Features

NORMS = {"batch": "batch", "instance": "instance_tracked"}  # official get_norm_layer's two choices
SCALE_NDF_MAX = 64  # vid2vid's discriminators: scale k starts at min(64, ndf * 2**k) filters


def frame_strip(frames: tf.Tensor) -> tf.Tensor:
    """[B, T, H, W, C] -> [B, H, T*W, C]: the frames side by side, oldest left (sample grids)."""
    return tf.concat(tf.unstack(frames, axis=1), axis=2)


class Vid2Vid(GANModel):
    """Batches are the chunks of tf_i2i.data (layout 'video'): 'label' int32 [B, L, H, W, 1] (or
    'label_image' [B, L, H, W, input_nc] when label_nc is 0), 'instance' with use_instance, 'image'
    [B, L, H, W, output_nc] in [-1, 1], 'flow' [B, L-1, H, W, 2] (frame i+1 -> i), 'flow_t<s>'
    [B, n, H, W, 2] for the temporal scales s >= 1 and 'chunk' int32 [B]; L = n_frames_G - 1 + n
    for n new frames per step."""

    autograph = False  # train_step branches on Python values only (tensors go through tf.where)

    def __init__(self, cfg: ml_collections.ConfigDict, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        g, d = cfg.generator, cfg.discriminator
        for key, value in (("generator.norm", g.norm), ("discriminator.norm", d.norm)):
            if value not in NORMS:
                raise ConfigError(f"model.{key} must be one of {sorted(NORMS)}, got {value!r}")
        if cfg.n_frames_G < 2 or cfg.n_frames_D < 2:
            raise ConfigError(f"n_frames_G and n_frames_D must be >= 2, got {cfg.n_frames_G} and {cfg.n_frames_D}")
        if g.n_scales_spatial < 1 or cfg.n_scales_temporal < 1:
            raise ConfigError("model.generator.n_scales_spatial and n_scales_temporal must be >= 1")
        if g.fg and not cfg.label_nc:
            raise ConfigError("model.generator.fg renders foreground classes: it needs class ids (label_nc > 0)")
        if g.fg and any(not 0 <= c < cfg.label_nc for c in g.fg_labels):
            raise ConfigError(f"model.generator.fg_labels {list(g.fg_labels)} must be class ids below {cfg.label_nc}")
        common = dict(output_nc=cfg.output_nc, n_downsampling=g.n_downsample_G, norm=NORMS[g.norm],
                      use_fg_model=g.fg, no_flow=g.no_flow, align_corners=cfg.align_corners)
        self.generators = [CompositeGenerator(ngf=g.ngf, n_blocks=g.n_blocks, name="G0", **common)]
        self.generators += [CompositeLocalGenerator(ngf=g.ngf // 2 ** s, n_blocks_local=g.n_blocks_local, scale=s,
                                                    name=f"G{s}", **common) for s in range(1, g.n_scales_spatial)]
        disc = dict(ndf=d.ndf, n_layers=d.n_layers_D, norm=NORMS[d.norm], num_D=d.num_D,
                    get_interm_feat=cfg.loss.gan_feat_loss, scale_ndf_max=SCALE_NDF_MAX)
        self.discriminator = MultiscaleDiscriminator(name="D", **disc)
        self.temporal_discriminators = [MultiscaleDiscriminator(name=f"D_T{s}", **disc)
                                        for s in range(cfg.n_scales_temporal)]
        self.vgg = None
        self.state: ChunkState | None = None

    # -- networks and optimizers -----------------------------------------------------------------

    def generator_networks(self) -> list[keras.Model]:
        return list(self.generators)

    def discriminator_networks(self) -> list[keras.Model]:
        return [self.discriminator, *self.temporal_discriminators]

    @property
    def d_variables(self) -> list:
        """The image discriminator's variables (each temporal discriminator has its own optimizer)."""
        return list(self.discriminator.trainable_variables)

    def compile(self, g_optimizer, d_optimizer, **kwargs) -> None:
        """Also one optimizer per temporal discriminator, like d_optimizer (official optimizer_D_T<s>)."""
        super().compile(g_optimizer, d_optimizer, **kwargs)
        self.temporal_optimizers = [scaled_optimizer(d_optimizer, 1.0, 1, f"d_t{s}_adam")
                                    for s in range(self.cfg.n_scales_temporal)]
        for optimizer in self.temporal_optimizers:
            if hasattr(optimizer, "skip_nonfinite"):  # how skippable_gradients drops an update
                optimizer.skip_nonfinite = True

    def optimizer_groups(self):
        groups = super().optimizer_groups()
        for s, (optimizer, net) in enumerate(zip(self.temporal_optimizers, self.temporal_discriminators)):
            groups[f"d_t{s}_optimizer"] = (optimizer, net.trainable_variables)
        return groups

    def input_size_limits(self) -> SizeLimits:
        """Full-size sides: G0 runs 2**(n_scales_spatial - 1) times smaller and downsamples
        n_downsample_G times."""
        g = self.cfg.generator
        return SizeLimits(multiple=2 ** (g.n_downsample_G + g.n_scales_spatial - 1))

    # -- inputs ----------------------------------------------------------------------------------

    @property
    def n_previous(self) -> int:
        return self.cfg.n_frames_G - 1

    def encode_labels(self, batch: dict[str, tf.Tensor]) -> tf.Tensor:
        """[B, L, H, W, label_nc (+1 instance edges)] in the compute dtype."""
        labels = batch["label"] if self.cfg.label_nc else batch["label_image"]
        instances = batch["instance"] if self.cfg.use_instance else None
        return tf.cast(encode_label_frames(labels, self.cfg.label_nc, instances), self.compute_dtype)

    def first_previous(self, real: tf.Tensor) -> tf.Tensor:
        """The frames before a sequence's first generated frame: the real ones, or zeros with
        no_first_img (the generator then makes the first frame from the labels alone)."""
        given = real[:, :self.n_previous]
        return tf.zeros_like(given) if self.cfg.generator.no_first_img else given

    def generate(self, labels: tf.Tensor, previous: list[tf.Tensor], raw_only, coarse_gradient=1.0,
                 training: bool = False):
        levels = self.cfg.generator.n_scales_spatial
        return generate_frames(self.generators, frame_pyramid(labels, levels), previous,
                               self.cfg.generator.fg_labels, raw_only, coarse_gradient, training)

    # -- building --------------------------------------------------------------------------------

    def build_networks(self, batch):
        """Every network on one chunk, and the per-replica carry-over shaped after it."""
        labels = self.encode_labels(batch)
        real = tf.cast(batch["image"], self.compute_dtype)
        previous = frame_pyramid(self.first_previous(real), self.cfg.generator.n_scales_spatial)
        out = self.generate(labels, previous, raw_only=False)
        fake = tf.cast(fold_time(out.frames[0]), labels.dtype)
        self.discriminator(tf.concat([fold_time(labels[:, self.n_previous:]), fake], axis=-1))
        k = self.cfg.n_frames_D
        frames = tf.zeros([fake.shape[0], k, *fake.shape[1:]], fake.dtype)
        flows = tf.zeros([fake.shape[0], k - 1, *fake.shape[1:3], 2], fake.dtype)
        for net in self.temporal_discriminators:
            net(temporal_discriminator_input(frames, flows))
        if self.cfg.loss.vgg_loss and self.vgg is None:
            self.vgg = VGG19Features(self.cfg.loss.vgg_weights, name="vgg")
            self.vgg(tf.cast(fake, tf.float32))
        n_hist = history_length(self.cfg.n_scales_temporal, k)
        b, h, w, c = fake.shape
        histories = {"real": [b, n_hist, h, w, c], "fake": [b, n_hist, h, w, c], "flow": [b, n_hist, h, w, 2]}
        histories.update({f"flow_t{s}": [b, n_hist, h, w, 2] for s in range(1, self.cfg.n_scales_temporal)})
        self.state = ChunkState([p.shape for p in previous], histories)

    # -- training --------------------------------------------------------------------------------

    def train_step(self, batch):
        cfg = self.cfg
        lrs = self.learning_rates()
        labels = self.encode_labels(batch)
        real = tf.cast(batch["image"], tf.float32)
        n_prev = self.n_previous
        starts = tf.equal(batch["chunk"][0], 0)
        first = frame_pyramid(self.first_previous(tf.cast(real, self.compute_dtype)), cfg.generator.n_scales_spatial)
        previous = self.state.carried_previous(starts, first)
        raw_only = tf.logical_and(starts, cfg.generator.no_first_img)
        coarse_gradient = tf.cast(self.g_optimizer.iterations >= cfg.niter_fix_global, tf.float32)
        real_new, real_prev = real[:, n_prev:], real[:, n_prev - 1:-1]
        flow_ref = tf.cast(batch["flow"][:, n_prev - 1:], tf.float32)
        conf = flow_confidence(real_new, real_prev, flow_ref, cfg.align_corners)
        history, filled = self.state.carried_history(starts)
        g_tape, d_tape = tf.GradientTape(), tf.GradientTape(persistent=True)
        tapes = (g_tape, d_tape)
        with g_tape:
            out = self.generate(labels, previous, raw_only, coarse_gradient, training=True)
            fake = tf.cast(out.frames[0], tf.float32)
            # the frame before each new one as generated (the sequence's real one before its first)
            last_before = tf.where(starts, real_prev[:, :1], tf.cast(previous[0][:, -1:], tf.float32))
            fake_prev = tf.concat([last_before, tf.stop_gradient(fake[:, :-1])], axis=1)
            terms, d_terms = self._frame_losses(labels[:, n_prev:], real_new, real_prev, fake, out, flow_ref, conf,
                                                fake_prev, tapes)
            real_all, filled_all = append_frames(history["real"], real_new, filled)
            fake_all, _ = append_frames(history["fake"], fake, filled)
            flows_all = {name: append_frames(history[name], self._reference_flow(batch, name, flow_ref), filled)[0]
                         for name in history if name.startswith("flow")}
            t_terms, t_d_losses, t_ok = self._temporal_losses(real_all, fake_all, flows_all, filled_all,
                                                              fake.shape[1], tapes)
            terms.update(t_terms)
            g_loss = self.reduce_loss(tf.add_n(list(terms.values())))
        self.apply(self.g_optimizer, g_tape, g_loss, self.g_variables)
        with d_tape:
            d_loss = self.reduce_loss(0.5 * (d_terms["d_real"] + d_terms["d_fake"]))
        self.apply(self.d_optimizer, d_tape, d_loss, self.d_variables)
        for s, (optimizer, net) in enumerate(zip(self.temporal_optimizers, self.temporal_discriminators)):
            grads = d_tape.gradient(t_d_losses[s], net.trainable_variables)
            optimizer.apply_gradients(zip(skippable_gradients(optimizer, t_d_losses[s], grads, t_ok[s]),
                                          net.trainable_variables))
        del d_tape
        keep = history_length(cfg.n_scales_temporal, cfg.n_frames_D)
        kept = {}
        for name, frames in (("real", real_all), ("fake", fake_all), *flows_all.items()):
            kept[name], filled_kept = newest(frames, filled_all, keep)
        carried = [tf.concat([tf.cast(p, tf.float32), f], axis=1)[:, -n_prev:] for p, f in zip(previous, out.frames)]
        with tf.control_dependencies(self.state.keep(carried, kept, filled_kept)):
            logs = {name: tf.reduce_mean(value) for name, value in terms.items()}
            logs.update({name: tf.reduce_mean(value) for name, value in d_terms.items()})
        return {**logs, **lrs}

    def _reference_flow(self, batch, name: str, flow_ref: tf.Tensor) -> tf.Tensor:
        """The new frames' reference flows to the frame 1 (name 'flow') or K**s ('flow_t<s>') back."""
        return flow_ref if name == "flow" else tf.cast(batch[name], tf.float32)

    def _discriminate(self, net: keras.Model, x: tf.Tensor, training: bool = True):
        return net(tf.cast(x, self.compute_dtype), training=training)

    def _adversarial(self, net, real_in, fake_in, tapes) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        """(G GAN, G feature matching, D real, D fake) per example: official compute_loss_D. The D
        terms are recorded on the D tape only, the G terms on the G tape."""
        mode, loss_cfg = self.cfg.loss.gan_mode, self.cfg.loss
        g_tape, d_tape = tapes
        with g_tape.stop_recording(), d_tape:
            pred_real = self._discriminate(net, real_in)
            pred_fake_detached = self._discriminate(net, tf.stop_gradient(fake_in))
            d_real = losses.multiscale_gan_loss(pred_real, True, mode)
            d_fake = losses.multiscale_gan_loss(pred_fake_detached, False, mode)
        pred_fake = self._discriminate(net, fake_in)
        g_gan = losses.multiscale_gan_loss(pred_fake, True, mode, for_discriminator=False)
        g_feat = (losses.feature_matching_loss(pred_fake, pred_real, self.cfg.discriminator.n_layers_D,
                                               loss_cfg.lambda_feat) if loss_cfg.gan_feat_loss else tf.zeros_like(g_gan))
        return g_gan, g_feat, d_real, d_fake

    def _frame_losses(self, labels, real, real_prev, fake, out, flow_ref, conf, fake_prev, tapes):
        """The per-frame terms of G (name -> per-example loss over the B * n new frames) and of D."""
        loss_cfg = self.cfg.loss
        labels_f, real_f, conf_f = fold_time(labels), fold_time(real), fold_time(conf)
        terms, d_real, d_fake = {}, 0.0, 0.0
        for name, image in (("", fake), ("_raw", tf.cast(out.raw, tf.float32))):
            image_f = fold_time(image)
            g_gan, g_feat, dr, df = self._adversarial(self.discriminator, tf.concat([labels_f, tf.cast(real_f, labels_f.dtype)], -1),
                                                      tf.concat([labels_f, tf.cast(image_f, labels_f.dtype)], -1), tapes)
            terms[f"g_gan{name}"] = g_gan
            with tapes[1]:
                d_real, d_fake = d_real + dr, d_fake + df
            if loss_cfg.gan_feat_loss:
                terms[f"g_feat{name}"] = g_feat
            if self.vgg is not None:
                terms[f"g_vgg{name}"] = losses.vgg_loss(image_f, real_f, self.vgg, loss_cfg.lambda_feat)
        warped_prev = warp(fold_time(fake_prev), fold_time(flow_ref), self.cfg.align_corners)
        terms["g_warp"] = losses.masked_l1_loss(fold_time(fake), tf.stop_gradient(warped_prev), conf_f) * loss_cfg.lambda_T
        if out.flow is not None:
            flow, scales = fold_time(tf.cast(out.flow, tf.float32)), self.cfg.generator.n_scales_spatial
            terms["f_flow"] = losses.masked_l1_loss(flow, fold_time(flow_ref), conf_f) * loss_cfg.lambda_F / 2 ** (scales - 1)
            real_warped = warp(fold_time(real_prev), flow, self.cfg.align_corners)
            terms["f_warp"] = losses.masked_l1_loss(real_warped, real_f, conf_f) * loss_cfg.lambda_T
            if self.cfg.generator.no_first_img:
                weight = fold_time(tf.cast(out.weight, tf.float32))
                terms["w"] = losses.masked_l1_loss(weight, tf.zeros_like(weight), conf_f)
        batch = real.shape[0]  # per example: the mean over its new frames, as the temporal terms
        return ({name: tf.reduce_mean(tf.reshape(value, [batch, -1]), axis=1) for name, value in terms.items()},
                {"d_real": d_real, "d_fake": d_fake})

    def _temporal_losses(self, real_all, fake_all, flows_all, filled, n_new, tapes):
        """Per temporal scale s: G terms (zero where the scale's groups reach before the sequence),
        D_T<s>'s loss and whether any of its groups lies inside the sequence (else no D_T update)."""
        k = self.cfg.n_frames_D
        terms, d_losses, ok = {}, [], []
        for s, net in enumerate(self.temporal_discriminators):
            real_groups, inside = temporal_groups(real_all, filled, n_new, s, k)
            fake_groups, _ = temporal_groups(fake_all, filled, n_new, s, k)
            flows = flows_all["flow" if s == 0 else f"flow_t{s}"]
            positions = group_positions(real_all.shape[1], n_new, s, k)
            group_flows = tf.concat([tf.gather(flows, p[1:], axis=1) for p in positions], axis=0)
            weight = self._group_weights(inside, real_all.shape[0])
            g_gan, g_feat, d_real, d_fake = self._adversarial(
                net, temporal_discriminator_input(real_groups, group_flows),
                temporal_discriminator_input(fake_groups, group_flows), tapes)
            terms[f"g_t{s}_gan"] = self._grouped(g_gan * weight, real_all.shape[0])
            if self.cfg.loss.gan_feat_loss:
                terms[f"g_t{s}_feat"] = self._grouped(g_feat * weight, real_all.shape[0])
            with tapes[1]:
                d_losses.append(self.reduce_loss(0.5 * (d_real + d_fake) * weight))
            ok.append(tf.reduce_any(inside))
        return terms, d_losses, ok

    @staticmethod
    def _group_weights(inside: tf.Tensor, batch: int) -> tf.Tensor:
        """Per group row [G*B]: 0 outside the sequence, else G / (groups inside), so the mean over all
        rows is the mean over the groups inside (the official loss over the groups it could cut)."""
        inside = tf.cast(inside, tf.float32)
        scale = inside * inside.shape[0] / tf.maximum(tf.reduce_sum(inside), 1.0)
        return tf.repeat(scale, batch)

    @staticmethod
    def _grouped(per_row: tf.Tensor, batch: int) -> tf.Tensor:
        """[G*B] group-row losses -> [B] per example: the mean over that example's groups."""
        return tf.reduce_mean(tf.reshape(per_row, [-1, batch]), axis=0)

    # -- outputs ---------------------------------------------------------------------------------

    def infer(self, batch):
        """The chunk's new frames from the given previous frames (inference mode)."""
        labels = self.encode_labels(batch)
        real = tf.cast(batch["image"], self.compute_dtype)
        previous = frame_pyramid(self.first_previous(real), self.cfg.generator.n_scales_spatial)
        return self.generate(labels, previous, raw_only=self.cfg.generator.no_first_img).frames[0]

    def shown_label_frames(self, frames: dict[str, tf.Tensor]) -> tf.Tensor:
        """The label frames [B, T, H, W, .] as pictures in [-1, 1] (class ids in colours)."""
        labels = frames["label"] if self.cfg.label_nc else frames["label_image"]
        folded = fold_time(labels)
        return unfold_time(shown_labels({"label": folded, "label_image": folded}, self.cfg.label_nc), labels.shape[1])

    def sample_images(self, batch):
        """Frame strips of the chunk: label frames | the previous frames given then the generated ones |
        the real frames."""
        shown = self.shown_label_frames(batch)
        real = tf.cast(batch["image"], tf.float32)
        output = tf.concat([tf.cast(self.first_previous(real), tf.float32),
                            tf.cast(self.infer(batch), tf.float32)], axis=1)
        return {"label": frame_strip(shown), "output": frame_strip(output), "target": frame_strip(real)}

    def final_samples(self, data_cfg, folder) -> list:
        """A whole generated video of the first training sequence (sample_video.py)."""
        return write_sample_video(self, data_cfg, folder)

    def build_generators(self) -> None:
        """The generators on zeros of the smallest side they allow, so a checkpoint can restore them."""
        side = max(2 * self.input_size_limits().multiple, 8)
        channels = (self.cfg.label_nc or self.cfg.input_nc) + int(self.cfg.use_instance)
        labels = tf.zeros([1, self.cfg.n_frames_G, side, side, channels], self.compute_dtype)
        previous = frame_pyramid(tf.zeros([1, self.n_previous, side, side, self.cfg.output_nc], self.compute_dtype),
                                 self.cfg.generator.n_scales_spatial)
        self.generate(labels, previous, raw_only=False)

    def export_endpoints(self) -> list[Endpoint]:
        """The per-frame 'serve' endpoint (endpoints.py: a caller loops it over a video), in float32."""
        return vid2vid_endpoints(self.float32_twin())

    def warm_start(self) -> str | None:
        """A fresh run with load_pretrain: every network the coarser run has of the same name and shape
        (its G0.. become this run's coarser scales; D and D_T when they fit), as the official
        --load_pretrain."""
        if not self.cfg.load_pretrain:
            return None
        loaded = load_coarser_run(self, self.cfg.load_pretrain)
        logging.info("initialised %s from %s", ", ".join(loaded), self.cfg.load_pretrain)
        return self.cfg.load_pretrain

