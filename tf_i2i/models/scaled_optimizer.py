"""An optimizer like another at a scaled learning rate and a slower step (DRIT's content
discriminator: a fraction of the discriminators' rate, several updates per training step)."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tf_i2i")
class ScaledSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """`factor` times another schedule read at step // `updates_per_step`: DRIT's content
    discriminator learns at lr / 2.5 and takes d_iter updates per training step, yet decays on
    the training-step clock like the other networks (the official schedule counts epochs)."""

    def __init__(self, schedule, factor: float, updates_per_step: int = 1):
        self.schedule = schedule
        self.factor = float(factor)
        self.updates_per_step = int(updates_per_step)

    def __call__(self, step):
        inner = self.schedule
        if not callable(inner):
            return self.factor * inner
        return self.factor * inner(tf.math.floordiv(step, self.updates_per_step))

    def get_config(self):
        inner = self.schedule
        if callable(inner):
            inner = keras.optimizers.schedules.serialize(inner)
        return {"schedule": inner, "factor": self.factor, "updates_per_step": self.updates_per_step}

    @classmethod
    def from_config(cls, config):
        inner = config["schedule"]
        if isinstance(inner, dict):
            inner = keras.optimizers.schedules.deserialize(inner)
        return cls(inner, config["factor"], config["updates_per_step"])


def scaled_optimizer(optimizer: keras.optimizers.Optimizer, factor: float, updates_per_step: int,
                     name: str) -> keras.optimizers.Optimizer:
    """A fresh optimizer like `optimizer` (same class, betas, schedule) whose learning rate is
    ScaledSchedule(its schedule, factor, updates_per_step)."""
    config = optimizer.get_config()
    lr = config["learning_rate"]
    if isinstance(lr, dict):
        lr = keras.optimizers.schedules.deserialize(lr)
    config.update(learning_rate=ScaledSchedule(lr, factor, updates_per_step), name=name)
    return type(optimizer).from_config(config)
