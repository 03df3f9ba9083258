"""Which optimizer updates of a train step had a non-finite loss (or gradient norm), and dropping them.

GANModel.apply asks the guard active on its thread; the training loop activates one around the
train step (training/loop.py). Thread-local because MirroredStrategy runs each replica's
train_step in a thread of its own. With no guard active, apply does exactly what it did before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator

import tensorflow as tf

_active = threading.local()


@dataclasses.dataclass
class UpdateGuard:
    """`check_gradients`: a non-finite global gradient norm also counts (one pass over the gradients).
    `drop`: a non-finite update's gradients become NaN, which an optimizer built with
    skip_nonfinite=True (training/fused_adam.py) skips whole. `flags` collects one bool per update."""

    check_gradients: bool = False
    drop: bool = False
    flags: list[tf.Tensor] = dataclasses.field(default_factory=list)

    def nonfinite_updates(self) -> tf.Tensor:
        """float32: how many updates of the traced step were non-finite."""
        return tf.add_n([tf.cast(tf.logical_not(f), tf.float32) for f in self.flags] or [tf.constant(0.0)])


@contextlib.contextmanager
def guarding(guard: UpdateGuard) -> Iterator[UpdateGuard]:
    """Makes `guard` the one GANModel.apply reports to on this thread while the block runs."""
    _active.guard = guard
    try:
        yield guard
    finally:
        _active.guard = None


def checked_gradients(loss: tf.Tensor, grads: list[tf.Tensor]) -> list[tf.Tensor]:
    """`grads` as they should reach the optimizer under the active guard (unchanged without one)."""
    guard = getattr(_active, "guard", None)
    if guard is None:
        return grads
    finite = tf.reduce_all(tf.math.is_finite(tf.cast(loss, tf.float32)))
    if guard.check_gradients:
        finite = tf.logical_and(finite, tf.math.is_finite(tf.cast(tf.linalg.global_norm(grads), tf.float32)))
    guard.flags.append(finite)
    if not guard.drop:
        return grads
    return [None if g is None else tf.where(finite, g, tf.constant(float("nan"), g.dtype)) for g in grads]


def skippable_gradients(optimizer, loss: tf.Tensor, grads: list[tf.Tensor], apply: tf.Tensor) -> list[tf.Tensor]:
    """checked_gradients, and when `apply` is False gradients that leave the weights as they are:
    NaN for an optimizer that skips non-finite updates whole (FusedAdam(skip_nonfinite=True)), zeros
    otherwise. For updates that happen on some steps only (vid2vid's temporal discriminators wait for
    enough frames), since a tf.cond around apply_gradients is not allowed under a distribution strategy."""
    grads = checked_gradients(loss, grads)
    drop = tf.constant(float("nan")) if getattr(optimizer, "skip_nonfinite", False) else tf.constant(0.0)
    return [None if g is None else tf.where(apply, g, tf.cast(drop, g.dtype)) for g in grads]
