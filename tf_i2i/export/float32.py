"""Float32 copies of generators trained under a mixed precision policy, for export.

TFLite builtins have no bfloat16 kernels (conversion fails on every op) and serving clients expect
float32 maths, so exports always compute in float32; float16 is the converter's choice
(quantization="float16"), not the training policy's. Models apply this to the networks they
export (GANModel.export_endpoints).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import keras
import tensorflow as tf

from tf_i2i.export.sizes import build_side
from tf_i2i.models.base import GANModel, weights_by_path


@contextlib.contextmanager
def _float32_policy() -> Iterator[None]:
    """Layers made inside compute in float32 (sub-layers without an explicit dtype follow the
    global policy); the previous policy comes back afterwards."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def float32_network(generator: keras.Model, channels: int) -> keras.Model:
    """`generator` itself when it computes in float32, else a float32 rebuild holding the same weights.

    The rebuild is built on a `channels`-channel input of a size its size_multiple allows.
    """
    if generator.compute_dtype == "float32":
        return generator
    with _float32_policy():
        copy = type(generator).from_config(generator.get_config())
        side = build_side(generator.size_multiple)
        copy(tf.zeros([1, side, side, channels]), training=False)
    copy.set_weights(generator.get_weights())
    return copy


def float32_model(model: GANModel) -> GANModel:
    """`model` itself when its generator networks compute in float32, else a float32 twin
    (`type(model)(model.cfg)`, build_generators) holding the same generator weights.

    For models whose networks are not one-input generators that float32_network can rebuild
    (DRIT's two-domain encoders and generator, called per domain). Weights are matched by path
    (weights_by_path), as checkpoints match them: build order differs, paths do not.
    """
    networks = model.generator_networks()
    if all(net.compute_dtype == "float32" for net in networks):
        return model
    with _float32_policy():
        twin = type(model)(model.cfg)
        twin.build_generators()
    for net, twin_net in zip(networks, twin.generator_networks()):
        weights = weights_by_path(net)
        for path, variable in weights_by_path(twin_net).items():
            variable.assign(weights[path])
    return twin
