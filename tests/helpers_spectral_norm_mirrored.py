"""One SGD step of a SpectralNorm(Conv2D) on 2 logical CPUs (MirroredStrategy) against one device;
prints the largest kernel/u/v differences as JSON.

Run as `python -m tests.helpers_spectral_norm_mirrored` (test_spectral_norm.py starts it): logical
devices can only be configured before TF initialises. The step calls the layer twice in training,
as SPADE's train step runs its generator twice, so the second power iteration must see the first
one's u and v on every replica.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import tensorflow as tf

from tf_i2i.layers import SpectralNorm

GLOBAL_BATCH = 4


def _build(strategy, weights=None):
    with strategy.scope():
        layer = SpectralNorm(keras.layers.Conv2D(4, 3))
        layer.build((None, 6, 6, 3))
        optimizer = keras.optimizers.SGD(0.1)
        optimizer.build(layer.trainable_variables)
    if weights is not None:
        layer.set_weights(weights)
    return layer, optimizer


def _step(strategy, layer, optimizer, x, upstream):
    def replica_step(xs, gs):
        with tf.GradientTape() as tape:
            first = layer(xs, training=True)
            second = layer(xs, training=True)
            loss = tf.reduce_sum((first + second) * gs) / GLOBAL_BATCH
        grads = tape.gradient(loss, layer.trainable_variables)
        optimizer.apply_gradients(zip(grads, layer.trainable_variables, strict=True))

    per_replica = GLOBAL_BATCH // strategy.num_replicas_in_sync

    def split(array):
        return strategy.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(array[per_replica * ctx.replica_id_in_sync_group:][:per_replica]))

    tf.function(lambda a, b: strategy.run(replica_step, args=(a, b)))(split(x), split(upstream))


def _state(layer) -> dict[str, np.ndarray]:
    return {"kernel": layer.layer.kernel.numpy(), "u": layer.u.numpy(), "v": layer.v.numpy()}


def main() -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(GLOBAL_BATCH, 6, 6, 3)).astype("float32")
    upstream = rng.normal(size=(GLOBAL_BATCH, 4, 4, 4)).astype("float32")
    single_strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    single, single_opt = _build(single_strategy)
    start = _state(single)
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    replicated, replicated_opt = _build(mirrored, single.get_weights())
    _step(single_strategy, single, single_opt, x, upstream)
    _step(mirrored, replicated, replicated_opt, x, upstream)
    one, two = _state(single), _state(replicated)
    copies = {k: [c.numpy() for c in mirrored.experimental_local_results(getattr(replicated, k).value)]
              for k in ("u", "v")}
    print("RESULTS " + json.dumps({
        "replicas": mirrored.num_replicas_in_sync,
        "copy_spread": {k: float(np.max(np.abs(c[0] - c[-1]))) for k, c in copies.items()},
        "diff": {k: float(np.max(np.abs(one[k] - two[k]))) for k in one},
        "update": {k: float(np.max(np.abs(one[k] - start[k]))) for k in one},
    }))


if __name__ == "__main__":
    main()
