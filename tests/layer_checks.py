"""One helper every custom layer goes through: build, call, get_config round trip, mixed_bfloat16,
and TFLite conversion with builtin ops only (run with ai-edge-litert, compared with Keras).

`x` is one float32 array, or a list of arrays (keeping their dtypes, e.g. features + int instance
ids) for layers called on a list of inputs."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf


def _call(layer, x, kwargs):
    return layer(x, **kwargs)


def _as_inputs(x):
    """float32 for a single array; a list keeps each array's dtype."""
    if isinstance(x, (list, tuple)):
        return [np.asarray(a) for a in x]
    return np.asarray(x, np.float32)


def check_config_roundtrip(layer: keras.layers.Layer, x: np.ndarray, call_kwargs: dict) -> None:
    """from_config(get_config()) rebuilds a layer with the same config and, given the same weights,
    the same outputs."""
    y = _call(layer, x, call_kwargs)
    config = layer.get_config()
    clone = layer.__class__.from_config(config)
    _call(clone, x, call_kwargs)
    assert clone.get_config() == config
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_call(clone, x, call_kwargs), y, atol=1e-6)
    # And through Keras's registry, as a saved model would rebuild it.
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(again) is type(layer)


def check_mixed_bfloat16(factory: Callable[[], keras.layers.Layer], x: np.ndarray, call_kwargs: dict,
                         atol: float) -> None:
    """Under mixed_bfloat16 the layer runs, keeps float32 variables, and stays close to float32."""
    ref = factory()
    y32 = np.asarray(_call(ref, x, call_kwargs), np.float32)
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        mixed = factory()
        _call(mixed, x, call_kwargs)
        mixed.set_weights(ref.get_weights())
        y16 = np.asarray(tf.cast(_call(mixed, x, call_kwargs), tf.float32))
        assert all(v.dtype == "float32" for v in mixed.weights if v.trainable)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    assert np.all(np.isfinite(y16))
    np.testing.assert_allclose(y16, y32, atol=atol, rtol=0)


def check_tflite_builtins(layer: keras.layers.Layer, x: np.ndarray, call_kwargs: dict,
                          atol: float = 1e-4) -> None:
    """Exports with ExportArchive, converts with TFLITE_BUILTINS only and runs it with LiteRT."""
    from ai_edge_litert.interpreter import Interpreter

    expected = np.asarray(_call(layer, x, call_kwargs))
    several = isinstance(x, list)
    inputs = x if several else [x.astype(np.float32)]
    archive = keras.export.ExportArchive()
    archive.track(layer)
    archive.add_endpoint("serve", lambda *t: layer(list(t) if several else t[0], **call_kwargs),
                         input_signature=[tf.TensorSpec(a.shape, a.dtype) for a in inputs])
    with tempfile.TemporaryDirectory() as tmp:
        archive.write_out(tmp, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        model_bytes = converter.convert()
        path = Path(tmp) / "layer.tflite"
        path.write_bytes(model_bytes)
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
        (signature,) = interpreter.get_signature_list()  # ExportArchive's single endpoint
        runner = interpreter.get_signature_runner(signature)
        names = sorted(runner.get_input_details())  # args_0, args_1, ... in call order
        (out,) = runner(**dict(zip(names, inputs, strict=True))).values()
    np.testing.assert_allclose(out, expected, atol=atol, rtol=0)


def check_layer(factory: Callable[[], keras.layers.Layer], x: np.ndarray, call_kwargs: dict | None = None,
                bf16_atol: float = 0.1, tflite: bool = True) -> keras.layers.Layer:
    """Runs every shared check on a freshly built layer; returns the layer for extra assertions."""
    call_kwargs = call_kwargs or {}
    x = _as_inputs(x)
    layer = factory()
    y = _call(layer, x, call_kwargs)
    assert np.all(np.isfinite(np.asarray(y)))
    check_config_roundtrip(layer, x, call_kwargs)
    check_mixed_bfloat16(factory, x, call_kwargs, bf16_atol)
    if tflite:
        check_tflite_builtins(layer, x, call_kwargs)
    return layer
