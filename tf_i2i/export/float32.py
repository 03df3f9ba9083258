"""Float32 copies of generators trained under a mixed precision policy, for export.

TFLite builtins have no bfloat16 kernels (conversion fails on every op) and serving clients expect
float32 maths, so exports always compute in float32; float16 is the converter's choice
(quantization="float16"), not the training policy's.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.export.sizes import build_side


def float32_generators(generators: dict[str, tuple[keras.Model, int]]) -> dict[str, tuple[keras.Model, int]]:
    """`generators` with each non-float32 one replaced by a float32 rebuild holding the same weights."""
    return {name: (_as_float32(generator, channels), channels)
            for name, (generator, channels) in generators.items()}


def _as_float32(generator: keras.Model, channels: int) -> keras.Model:
    if generator.compute_dtype == "float32":
        return generator
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")  # sub-layers without an explicit dtype follow it
    try:
        copy = type(generator).from_config(generator.get_config())
        side = build_side(generator.size_multiple)
        copy(tf.zeros([1, side, side, channels]), training=False)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    copy.set_weights(generator.get_weights())
    return copy
