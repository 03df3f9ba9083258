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

from tf_i2i.models.serving.sizes import build_side


@contextlib.contextmanager
def float32_policy() -> Iterator[None]:
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
    with float32_policy():
        copy = type(generator).from_config(generator.get_config())
        side = build_side(generator.size_multiple)
        copy(tf.zeros([1, side, side, channels]), training=False)
    copy.set_weights(generator.get_weights())
    return copy
