"""SavedModel export through keras.export.ExportArchive (the path that also converts cleanly to TFLite).

Every generator gets a float32 endpoint `<name>` and a uint8 endpoint `<name>_uint8`, both with
dynamic batch, height and width; a size that is not a multiple of the generator's size_multiple
fails at serving time with a message naming the multiple. The float endpoint of 'serve' is
registered first, which makes it `serving_default` for TF Serving.
"""

from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf

from tf_i2i.export import serving
from tf_i2i.export.info import DEFAULT_ENDPOINT, EndpointInfo


def _default_first(generators: dict[str, tuple[keras.Model, int]]) -> list[str]:
    if DEFAULT_ENDPOINT not in generators:
        raise ValueError(f"export_generators() must contain {DEFAULT_ENDPOINT!r}, got {sorted(generators)}")
    return [DEFAULT_ENDPOINT] + [name for name in generators if name != DEFAULT_ENDPOINT]


def write_saved_model(generators: dict[str, tuple[keras.Model, int]], path: Path) -> list[EndpointInfo]:
    """Writes the SavedModel for GANModel.export_generators() to `path`; returns one EndpointInfo each."""
    archive = keras.export.ExportArchive()
    endpoints = []
    for name in _default_first(generators):
        generator, channels = generators[name]
        archive.track(generator)
        float_endpoint = archive.add_endpoint(
            name, serving.float_fn(generator, name),
            input_signature=[serving.image_spec(channels, tf.float32)])
        info = EndpointInfo(name, channels, _output_channels(float_endpoint), generator.size_multiple)
        archive.add_endpoint(info.uint8_name, serving.uint8_fn(generator, name),
                             input_signature=[serving.image_spec(channels, tf.uint8)])
        endpoints.append(info)
    archive.write_out(str(path), verbose=False)
    return endpoints


def _output_channels(endpoint: tf.types.experimental.PolymorphicFunction) -> int:
    return int(endpoint.get_concrete_function().structured_outputs.shape[-1])
