"""Shared mechanics of every two-player GAN model: two optimizers, loss reduction, gradient steps."""

from __future__ import annotations

import math
from typing import Any

import keras
import tensorflow as tf

from tf_i2i.models.serving.endpoint import Endpoint, image_endpoint
from tf_i2i.models.serving.float32 import float32_network, float32_policy
from tf_i2i.models.serving.sizes import build_side
from tf_i2i.models.size_limits import SizeLimits
from tf_i2i.models.update_guard import checked_gradients
from tf_i2i.nets.weights import weights_by_path


class GANModel(keras.Model):
    """A keras.Model whose `train_step` updates generator(s) and discriminator(s) with two optimizers.

    Subclasses build their networks in `__init__`, list them in `generator_networks()` /
    `discriminator_networks()`, implement `train_step`, `sample_images` and either
    `export_generators` (image-to-image models) or `export_endpoints` and `build_generators`.
    """

    # Whether the training step's tf.function converts Python control flow on tensors (AutoGraph).
    # Models whose train_step branches only on Python values set False: tracing then skips the
    # conversion (a third of vid2vid's tracing time).
    autograph: bool = True

    def compile(self, g_optimizer: keras.optimizers.Optimizer, d_optimizer: keras.optimizers.Optimizer,
                **kwargs: Any) -> None:
        """Keeps both optimizers; loss weights come from the model config, not from here."""
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    def generator_networks(self) -> list[keras.Model]:
        raise NotImplementedError

    def discriminator_networks(self) -> list[keras.Model]:
        raise NotImplementedError

    def network_weights(self, generators_only: bool = False) -> dict[str, dict]:
        """Network name -> {weight path inside the network: weight}, BatchNorm statistics too.

        Checkpoints save weights through this map: Keras 3 layers held in Python lists are not
        tf.train.Checkpoint dependencies of their model, so the model object alone misses some.
        Keyed by path, not position: the order of `weights` follows the order sublayers were
        built in, which differs between a training build and an inference build.
        """
        nets = self.generator_networks() + ([] if generators_only else self.discriminator_networks())
        names = [net.name for net in nets]
        if len(set(names)) != len(names):
            raise ValueError(f"network names must be unique to be checkpointed, got {names}")
        return {net.name: weights_by_path(net) for net in nets}

    @property
    def g_variables(self) -> list:
        return _unique(v for net in self.generator_networks() for v in net.trainable_variables)

    @property
    def d_variables(self) -> list:
        return _unique(v for net in self.discriminator_networks() for v in net.trainable_variables)

    def build_all(self, batch: dict[str, tf.Tensor]) -> None:
        """Creates every variable (networks, pools, optimizer slots) from one batch.

        Must run under the strategy scope before training: a distributed step cannot create
        variables, and optimizer slots must exist for a checkpoint to restore them.
        """
        self.build_networks(batch)
        for optimizer, variables in self.optimizer_groups().values():
            optimizer.build(variables)

    def build_networks(self, batch: dict[str, tf.Tensor]) -> None:
        raise NotImplementedError

    def optimizer_groups(self) -> dict[str, tuple[keras.optimizers.Optimizer, list]]:
        """Checkpoint name -> (optimizer, the variables it updates). Models with more optimizers
        (DRIT's content discriminator) add theirs, so building and checkpointing include them."""
        return {"g_optimizer": (self.g_optimizer, self.g_variables),
                "d_optimizer": (self.d_optimizer, self.d_variables)}

    def input_size_limits(self) -> SizeLimits:
        """Training image sides the networks accept, known from the config alone (no weights).
        Default: multiples of every generator network's size_multiple; models whose other
        networks bound the size (DRIT's content discriminator) say so."""
        multiples = [net.size_multiple for net in self.generator_networks() if hasattr(net, "size_multiple")]
        return SizeLimits(multiple=math.lcm(1, *multiples))

    def warm_start(self) -> str | None:
        """Initialises weights from elsewhere at the start of a fresh run (not on resume), e.g.
        pix2pixHD's local stage from its global stage; returns what was loaded, or None."""
        return None

    @staticmethod
    def reduce_loss(per_example: tf.Tensor) -> tf.Tensor:
        """Replica share of the global-batch mean, so summed replica gradients give the mean gradient."""
        return tf.nn.compute_average_loss(per_example)

    @staticmethod
    def apply(optimizer: keras.optimizers.Optimizer, tape: tf.GradientTape, loss: tf.Tensor,
              variables: list, weight_decay: float = 0.0, clip_norm: float | None = None) -> None:
        """One optimizer step on `variables` from the gradient of `loss` recorded on `tape`.

        `weight_decay` adds weight_decay * w to each gradient, as torch.optim.Adam(weight_decay=...)
        does (an L2 penalty, not AdamW's decoupled decay); MUNIT, UNIT and DRIT train with 1e-4.
        `clip_norm` first scales the gradients to at most that global norm (torch clip_grad_norm_,
        which runs before the optimizer adds its decay); under a distribution strategy each
        replica clips its own share. The training loop's guard (update_guard.py) sees every
        update here: whether its loss was finite, and under train.on_nonfinite=skip_step drops it."""
        grads = tape.gradient(loss, variables)
        if clip_norm is not None:
            grads, _ = tf.clip_by_global_norm(grads, clip_norm)
        if weight_decay:
            grads = [g + weight_decay * tf.cast(v, g.dtype) for g, v in zip(grads, variables)]
        optimizer.apply_gradients(zip(checked_gradients(loss, grads), variables))

    def learning_rates(self) -> dict[str, tf.Tensor]:
        """Learning rates of the optimizers' current step, logged next to the losses.

        Call it before the updates: apply_gradients advances the step, and the log should show the
        rate the step used, not the next one.
        """
        return {"lr_g": _current_lr(self.g_optimizer), "lr_d": _current_lr(self.d_optimizer)}

    def sample_images(self, batch: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        """Named images in [-1, 1] for the sample grid, in display order (e.g. input | output | target)."""
        raise NotImplementedError

    def final_samples(self, data_cfg, folder) -> list:
        """Samples written once when training ends, beyond the periodic grids (vid2vid: a whole
        generated video); returns the files written. Default: none."""
        return []

    def infer(self, batch: dict[str, tf.Tensor]) -> tf.Tensor:
        """The main translation of a training-style batch in inference mode (benchmarks time this)."""
        generator, _ = self.export_generators()["serve"]
        return generator(batch["A"], training=False)

    def export_generators(self) -> dict[str, tuple[keras.Model, int]]:
        """Endpoint name -> (generator, its input channel count), for SavedModel/TFLite export."""
        raise NotImplementedError

    def export_endpoints(self) -> list[Endpoint]:
        """What SavedModel/TFLite export writes; 'serve' is the default signature. Endpoints compute
        in float32 whatever the training policy. Default: one image endpoint per export_generators()
        entry (float32 and uint8 images in and out)."""
        return [image_endpoint(name, float32_network(generator, channels), channels)
                for name, (generator, channels) in self.export_generators().items()]

    def build_generators(self) -> None:
        """Creates the variables of generator_networks() without data, so a checkpoint can be
        restored for inference. Default: each export_generators() entry on a small zero image."""
        for generator, channels in self.export_generators().values():
            side = build_side(generator.size_multiple)
            generator(tf.zeros([1, side, side, channels]), training=False)

    def float32_twin(self) -> GANModel:
        """This model when its generator networks compute in float32, else a float32 twin
        (`type(self)(self.cfg)`, build_generators) holding the same generator weights.

        For models whose networks are not one-input generators that float32_network can rebuild
        (DRIT's two-domain encoders and generator, called per domain). Weights are matched by path
        (weights_by_path), as checkpoints match them: build order differs, paths do not.
        """
        networks = self.generator_networks()
        if all(net.compute_dtype == "float32" for net in networks):
            return self
        with float32_policy():
            twin = type(self)(self.cfg)
            twin.build_generators()
        for net, twin_net in zip(networks, twin.generator_networks(), strict=True):
            weights = weights_by_path(net)
            for path, variable in weights_by_path(twin_net).items():
                variable.assign(weights[path])
        return twin


def _unique(variables) -> list:
    """Variables in order, each once: networks may share layers (UNIT's tied blocks)."""
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _current_lr(optimizer: keras.optimizers.Optimizer) -> tf.Tensor:
    lr = optimizer.learning_rate
    return tf.convert_to_tensor(lr, tf.float32)
