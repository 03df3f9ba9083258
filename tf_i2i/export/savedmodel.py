"""SavedModel export through keras.export.ExportArchive (the path that also converts cleanly to TFLite).

Every Endpoint becomes a signature `<name>` over its named inputs (dynamic batch, height and width),
plus `<name>_uint8` where it has a uint8 variant. Each checks its inputs in the graph
(tf_i2i.models.serving.checks: shapes, the size rule, class ids, and values with check_range), so
TF Serving clients get the same errors. 'serve' is registered first, which makes it
`serving_default` for TF Serving.
"""

from __future__ import annotations

from pathlib import Path

import keras
import tensorflow as tf

from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.export.info import DEFAULT_ENDPOINT, EndpointInfo


def _default_first(endpoints: list[Endpoint]) -> list[Endpoint]:
    names = [e.name for e in endpoints]
    if DEFAULT_ENDPOINT not in names:
        raise ValueError(f"export_endpoints() must contain {DEFAULT_ENDPOINT!r}, got {sorted(names)}")
    return sorted(endpoints, key=lambda e: e.name != DEFAULT_ENDPOINT)


def write_saved_model(endpoints: list[Endpoint], path: Path, check_range: bool = True) -> list[EndpointInfo]:
    """Writes the SavedModel of GANModel.export_endpoints() to `path`; returns one EndpointInfo each.
    `check_range`: the endpoints also reject NaN/inf and image values outside [-1, 1]."""
    archive = keras.export.ExportArchive()
    infos = []
    for e in _default_first(endpoints):
        for network in e.networks:
            archive.track(network)
        float_endpoint = archive.add_endpoint(e.name, e.checked_fn(check_range), input_signature=list(e.inputs))
        if e.uint8:
            archive.add_endpoint(e.uint8_name, e.uint8_fn(check_range), input_signature=list(e.uint8_inputs()))
        outputs = float_endpoint.get_concrete_function().structured_outputs
        infos.append(EndpointInfo(e.name, e.inputs, _output_channels(outputs), e.size_multiple,
                                  e.uint8_inputs() if e.uint8 else None,
                                  {**e.info, **_size_info(e), **_value_info(e), **_output_info(outputs)}))
    archive.write_out(str(path), verbose=False)
    return infos


def _output_channels(outputs: tf.Tensor | dict[str, tf.Tensor]) -> int | None:
    """The last dimension of the image (named 'image' among named outputs; a code's length for a
    code endpoint); None for named outputs without an image (INIT's instance codes)."""
    if not isinstance(outputs, dict):
        return int(outputs.shape[-1])
    return int(outputs["image"].shape[-1]) if "image" in outputs else None


def _size_info(e: Endpoint) -> dict:
    """'size' of a fixed-size generator; 'size_divisors' of the inputs sized after the first."""
    return {**({"size": list(e.size)} if e.size else {}),
            **({"size_divisors": dict(e.size_divisors)} if e.size_divisors else {})}


def _output_info(outputs: tf.Tensor | dict[str, tf.Tensor]) -> dict:
    """'outputs' of an endpoint with named outputs: name -> dtype and shape (None: dynamic), in key
    order, the order of a TFLite file's outputs."""
    if not isinstance(outputs, dict):
        return {}
    return {"outputs": {name: {"dtype": t.dtype.name, "shape": t.shape.as_list()}
                        for name, t in sorted(outputs.items())}}


def _value_info(e: Endpoint) -> dict:
    """What the value checks hold the inputs to, for clients that check themselves (TFLite):
    'image_inputs' in [-1, 1] (with check_range), 'id_inputs' name -> the class ids accepted."""
    images = [n for n in e.image_inputs if n in e.input_names]
    return {**({"image_inputs": images} if images else {}),
            **({"id_inputs": {n: ids.to_json() for n, ids in e.ids.items()}} if e.ids else {})}
