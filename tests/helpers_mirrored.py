"""Measures MirroredStrategy on 2 logical CPUs against one device; prints the results as JSON.

Run as `python -m tests.helpers_mirrored [CHECK ...]` (default: every check in CHECKS): splitting
the CPU into logical devices only works before TF initialises its devices, so this needs a fresh
process (test_distributed_mirrored.py starts two at once, each with some of the checks).
"""

from __future__ import annotations

import json
import sys

import keras
import numpy as np
import tensorflow as tf

from tests.helpers_training import fixed_batch, max_abs_diff, snapshot, tiny_config
from tf_i2i.layers.normalization import make_norm
from tf_i2i.registry import build_model
from tf_i2i.training.loop import make_train_step

GLOBAL_BATCH = 4
# One step: it already covers both optimizers and pix2pix's G-after-updated-D. A second step starts
# from weights that differ by float rounding (~1e-8), which ReLU/LeakyReLU/L1 kinks amplified past
# 1e-5 for about 1 in 5 random initialisations of the CycleGAN here: chaos, not a distribution bug.
STEPS = 1
# SGD, not the configs' Adam: Adam's update ignores the gradient's scale, so it would hide a loss
# that is not divided by the global batch (the classic N-replicas-too-large bug).
SGD_LR = 0.01


def _build(config, strategy, batch):
    with strategy.scope():
        model = build_model(config)
        model.compile(g_optimizer=keras.optimizers.SGD(SGD_LR), d_optimizer=keras.optimizers.SGD(SGD_LR))
        per_replica = GLOBAL_BATCH // strategy.num_replicas_in_sync
        model.build_all({k: v[:per_replica] for k, v in batch.items()})
    return model


def _network_variables(model):
    return [v for net in model.generator_networks() + model.discriminator_networks() for v in net.weights]


def _batches(strategy, batch):
    """An endless distributed iterator over one global batch, which the strategy splits."""
    return iter(strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(batch).repeat()))


def _train(model, strategy, batch):
    step, iterator = make_train_step(strategy, model), _batches(strategy, batch)
    return [{k: float(v) for k, v in step(iterator).items()} for _ in range(STEPS)]


def _first_key(batch: dict) -> str:
    return sorted(batch)[0]


def compare_step(mirrored, model_name: str, **overrides) -> dict:
    """Largest weight/log difference between 1 device and 2 replicas after STEPS identical steps."""
    config = tiny_config(model_name, train__batch_size=GLOBAL_BATCH, **overrides)
    batch = fixed_batch(config)
    single_strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    single, replicated = _build(config, single_strategy, batch), _build(config, mirrored, batch)
    start = snapshot(_network_variables(single))
    for target, value in zip(_network_variables(replicated), start, strict=True):
        target.assign(value)
    single_logs = _train(single, single_strategy, batch)
    replicated_logs = _train(replicated, mirrored, batch)
    after = snapshot(_network_variables(single))
    return {
        "replica_batches": [int(t.shape[0]) for t in
                            mirrored.experimental_local_results(next(_batches(mirrored, batch))[_first_key(batch)])],
        "weights": max_abs_diff(after, snapshot(_network_variables(replicated))),
        "logs": max(abs(a[k] - b[k]) for a, b in zip(single_logs, replicated_logs, strict=True) for k in a),
        "update": max_abs_diff(after, start),
    }


def _normalise_and_backprop(layer, x, upstream):
    """Training-mode output and d(sum(output * upstream))/dx: the backward pass needs the
    all-reduced statistics' gradients too, so this checks both directions of SyncBatchNorm."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * upstream)
    return y, tape.gradient(loss, x)


def batch_norm_gap(mirrored, kind: str) -> dict:
    """How far 2-replica training-mode BatchNorm is from the same layer on the whole batch."""
    rng = np.random.default_rng(0)
    # Halves with different statistics, so per-replica normalisation is clearly visible.
    x = np.concatenate([rng.normal(0, 1, (2, 4, 4, 3)), rng.normal(3, 2, (2, 4, 4, 3))]).astype("float32")
    upstream = rng.normal(size=x.shape).astype("float32")
    whole = make_norm(kind)
    expected = [t.numpy() for t in _normalise_and_backprop(whole, tf.constant(x), tf.constant(upstream))]
    with mirrored.scope():
        layer = make_norm(kind)
        layer.build((2, 4, 4, 3))

    def half(array):
        return mirrored.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(array[2 * ctx.replica_id_in_sync_group:][:2]))

    per_replica = mirrored.run(tf.function(lambda a, b: _normalise_and_backprop(layer, a, b)),
                               args=(half(x), half(upstream)))
    got = [np.concatenate([t.numpy() for t in mirrored.experimental_local_results(part)])
           for part in per_replica]
    return {"output": float(np.max(np.abs(got[0] - expected[0]))),
            "input_gradient": float(np.max(np.abs(got[1] - expected[1]))),
            "moving_variance": float(np.max(np.abs(layer.moving_variance.numpy()
                                                   - whole.moving_variance.numpy())))}


CHECKS = {
    "pix2pix": lambda mirrored: compare_step(mirrored, "pix2pix"),
    "cyclegan": lambda mirrored: compare_step(mirrored, "cyclegan"),
    "pix2pixhd": lambda mirrored: compare_step(mirrored, "pix2pixhd"),
    # No VAE: its z samples differ between the two runs.
    "spade": lambda mirrored: compare_step(mirrored, "spade", model__generator__use_vae=False),
    "bn_sync_batch": lambda mirrored: batch_norm_gap(mirrored, "sync_batch"),
    "bn_batch": lambda mirrored: batch_norm_gap(mirrored, "batch"),
}


def main(names: list[str]) -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    # One strategy for everything: two MirroredStrategy objects in one process reuse the same
    # collective group/instance keys and the runtime then mixes up their all-reduces.
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    keras.utils.set_random_seed(0)
    results = {name: CHECKS[name](mirrored) for name in names or CHECKS}
    print("RESULTS " + json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
