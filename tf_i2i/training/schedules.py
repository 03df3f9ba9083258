"""The papers' learning-rate schedules, as serializable Keras schedules driven by the optimizer step."""

from __future__ import annotations

import keras
import ml_collections
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.training.fused_adam import FusedAdam


@keras.saving.register_keras_serializable(package="tf_i2i")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant for `constant_steps`, then linear to 0 over `decay_steps` (pix2pix/CycleGAN/pix2pixHD)."""

    def __init__(self, base_lr: float, constant_steps: int, decay_steps: int):
        self.base_lr = float(base_lr)
        self.constant_steps = int(constant_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        past = tf.maximum(step - self.constant_steps, 0.0)
        factor = tf.maximum(1.0 - past / max(self.decay_steps, 1), 0.0)
        return self.base_lr * factor

    def get_config(self):
        return {"base_lr": self.base_lr, "constant_steps": self.constant_steps,
                "decay_steps": self.decay_steps}


@keras.saving.register_keras_serializable(package="tf_i2i")
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Multiply by `gamma` every `step_size` steps (MUNIT/UNIT's lr_policy='step')."""

    def __init__(self, base_lr: float, step_size: int, gamma: float):
        self.base_lr = float(base_lr)
        self.step_size = int(step_size)
        self.gamma = float(gamma)

    def __call__(self, step):
        drops = tf.floor(tf.cast(step, tf.float32) / self.step_size)
        return self.base_lr * tf.pow(self.gamma, drops)

    def get_config(self):
        return {"base_lr": self.base_lr, "step_size": self.step_size, "gamma": self.gamma}


SCHEDULES = ("constant", "linear", "step")


def make_schedule(optim: ml_collections.ConfigDict, base_lr: float):
    """The schedule named by optim.schedule for one optimiser's base learning rate."""
    if optim.schedule == "constant":
        return base_lr
    if optim.schedule == "linear":
        return LinearDecay(base_lr, optim.constant_steps, optim.decay_steps)
    if optim.schedule == "step":
        return StepDecay(base_lr, optim.step_size, optim.gamma)
    raise ConfigError(f"unknown optim.schedule {optim.schedule!r}; expected one of {SCHEDULES}")


def make_optimizers(optim: ml_collections.ConfigDict, skip_nonfinite: bool = False
                    ) -> tuple[keras.optimizers.Optimizer, keras.optimizers.Optimizer]:
    """Adam for G and D with the papers' betas (torch's epsilon, fused update: training/fused_adam.py);
    each optimizer's step drives its own schedule. `skip_nonfinite`: updates with a non-finite
    gradient are skipped (train.on_nonfinite=skip_step)."""
    def adam(lr, name):
        return FusedAdam(make_schedule(optim, lr), beta_1=optim.beta1, beta_2=optim.beta2, name=name,
                         skip_nonfinite=skip_nonfinite)
    return adam(optim.g_lr, "g_adam"), adam(optim.d_lr, "d_adam")
