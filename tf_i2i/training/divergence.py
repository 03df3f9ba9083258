"""The divergence guard's host side: what the loop does after a step whose losses (or, under
train.check_gradient_norm, gradients) were not finite, and the last check before a checkpoint.

A diverged run stops before it writes anything: no checkpoint with non-finite weights, no
rotation of the good ones out (CheckpointManager keeps train.keep_checkpoints), no export over
the last good one. Under train.on_nonfinite=skip_step the update guard (models/update_guard.py)
has already dropped the step's updates in-graph; the loop counts them and stops after
train.max_nonfinite_steps in a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import tensorflow as tf
from absl import logging

from tf_i2i.errors import UserError
from tf_i2i.models.base import GANModel


DROPPED_STEPS = "dropped_steps"


class TrainingDiverged(UserError):
    """The losses or weights became NaN or infinite; the message names the step and the terms."""


def nonfinite_terms(logs: dict[str, tf.Tensor]) -> str:
    """'non-finite g_gan, d_real (nan, inf)' from a step's logs (read to the host: only on failure),
    or the gradient norm when every logged value is finite."""
    values = {name: float(value) for name, value in logs.items()}
    bad = {name: value for name, value in values.items() if not math.isfinite(value)}
    if not bad:
        return "a non-finite gradient norm (train.check_gradient_norm)"
    return f"non-finite {', '.join(bad)} ({', '.join(str(v) for v in bad.values())})"


def last_good_checkpoint(checkpoint_dir: Path) -> str:
    latest = tf.train.latest_checkpoint(str(checkpoint_dir))
    return f"the last good checkpoint is {latest}, kept" if latest else "no checkpoint was written"


def finite_weights_check(model: GANModel) -> Callable[[], bool]:
    """A function telling whether every weight, BatchNorm statistic and optimizer slot is finite:
    the last check before a checkpoint, for weights gone bad without a non-finite loss."""
    variables = [v for weights in model.network_weights().values() for v in weights.values()]
    variables += [v for optimizer, _ in model.optimizer_groups().values() for v in optimizer.variables]
    floats = [v for v in variables if tf.as_dtype(v.dtype).is_floating]

    @tf.function
    def all_finite():
        return tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in floats])
    return lambda: bool(all_finite())


class DivergenceWatch:
    """Follows the one soundness flag per step the checked train step returns."""

    def __init__(self, on_nonfinite: str, max_in_row: int, checkpoint_dir: Path):
        self.skip = on_nonfinite == "skip_step"
        self.max_in_row = max_in_row
        self.checkpoint_dir = checkpoint_dir
        self.in_row = 0
        self.dropped = 0

    def after_step(self, step: int, sound: bool, logs: dict[str, tf.Tensor]) -> None:
        """Counts a dropped step (skip_step) or raises TrainingDiverged."""
        if sound:
            self.in_row = 0
            return
        what = nonfinite_terms(logs)
        self.in_row += 1
        self.dropped += 1
        if not self.skip:
            raise TrainingDiverged(
                f"training diverged at step {step}: {what}; {last_good_checkpoint(self.checkpoint_dir)} "
                f"(lower optim.g_lr / optim.d_lr, or set train.on_nonfinite=skip_step)")
        logging.warning("step %d: update dropped, %s (%d in a row, %d in all)", step, what, self.in_row, self.dropped)
        if self.in_row >= self.max_in_row:
            raise TrainingDiverged(
                f"training diverged: {self.in_row} steps in a row up to step {step} had non-finite values "
                f"(train.max_nonfinite_steps={self.max_in_row}), last {what}; "
                f"{last_good_checkpoint(self.checkpoint_dir)}")

    def scalars(self) -> dict[str, float]:
        """What the loop logs next to the losses: under skip_step, the steps dropped so far."""
        return {DROPPED_STEPS: float(self.dropped)} if self.skip else {}

    def may_save(self, step: int, weights_finite: Callable[[], bool]) -> bool:
        """Whether the checkpoint of `step` may be written: not while steps are being dropped (so a
        streak that ends in TrainingDiverged rotates no good checkpoint out); raises if the weights
        are not finite."""
        if self.in_row:
            logging.warning("step %d: no checkpoint, the step's update was dropped", step)
            return False
        if not weights_finite():
            raise TrainingDiverged(f"training diverged by step {step}: non-finite weights, not saved; "
                                   f"{last_good_checkpoint(self.checkpoint_dir)}")
        return True
