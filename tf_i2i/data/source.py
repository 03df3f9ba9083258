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


def domain_indices(sizes: list[int], seed: int, shuffle: bool, repeat: bool) -> tf.data.Dataset:
    """Records {"domain": d, "index": i} over domains of ``sizes`` pictures; an epoch is max(sizes) long.

    As MDMM's multi-domain loader, each element draws its domain uniformly at random (from
    (seed, element number), statelessly), then takes a picture of it: the next of that domain's own
    stream, reshuffled every pass, so a domain shows all its pictures before repeating one. Without
    ``shuffle`` the domains take turns (0, 1, ..., 0, ...) and pictures come in file order.
    """
    streams = [
        epoch_indices(n, seed + 7919 * d, shuffle, repeat=True).map(
            lambda i, d=d: {"domain": tf.constant(d, tf.int64), "index": i}
        )
        for d, n in enumerate(sizes)
    ]
    count = tf.constant(len(sizes), tf.int64)
    if shuffle:
        key = tf.constant([seed, 3], tf.int64)  # salt 3: apart from the augmentation streams (salts 0-2)
        choice = tf.data.Dataset.counter().map(
            lambda k: tf.random.stateless_uniform(
                [], tf.random.experimental.stateless_fold_in(key, k), maxval=count, dtype=tf.int64
            )
        )
    else:
        choice = tf.data.Dataset.counter().map(lambda k: k % count)
    records = tf.data.Dataset.choose_from_datasets(streams, choice)
    return records if repeat else records.take(max(sizes))
