"""What the pipeline needs from a data source, and the seeded index streams all sources share.

A source yields cheap *records* (indices, or decoded TFDS examples) in training order, and a
``load`` function that turns one record into raw parts (uint8 images, int32 maps). Shuffling
happens on the records, i.e. on the file list before any decoding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import tensorflow as tf

Records = Callable[[int, bool, bool], tf.data.Dataset]  # (seed, shuffle, repeat) -> records


@dataclasses.dataclass(frozen=True)
class Source:
    records: Records
    load: Callable[[Any], dict[str, tf.Tensor]]


def epoch_indices(n: int, seed: int, shuffle: bool, repeat: bool) -> tf.data.Dataset:
    """0..n-1 once (or once per epoch, forever), each epoch in a fresh order derived from (seed, epoch).

    Stateless shuffles make the order independent of TF's global seed and of other pipelines.
    """
    epochs = tf.data.Dataset.counter() if repeat else tf.data.Dataset.range(1)

    def one_epoch(epoch: tf.Tensor) -> tf.data.Dataset:
        indices = tf.range(n, dtype=tf.int64)
        if shuffle:
            indices = tf.random.experimental.stateless_shuffle(indices, seed=tf.stack([tf.cast(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices(indices)

    return epochs.flat_map(one_epoch)


def independent_indices(n_a: int, n_b: int, seed: int, shuffle: bool, repeat: bool) -> tf.data.Dataset:
    """Records {"A": i, "B": j} from two independently shuffled streams; an epoch is max(n_a, n_b) long.

    The shorter domain wraps around (reshuffled) inside the epoch, as in CycleGAN's unaligned loader.
    """
    a = epoch_indices(n_a, seed, shuffle, repeat=True)
    b = epoch_indices(n_b, seed + 7919, shuffle, repeat=True)
    pairs = tf.data.Dataset.zip({"A": a, "B": b})
    return pairs if repeat else pairs.take(max(n_a, n_b))
