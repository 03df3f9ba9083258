"""What a model exports: named endpoints, each a graph function over named inputs that returns a
float32 image in [-1, 1].

GANModel.export_endpoints() lists them; SavedModel writing, TFLite conversion, export_info.json
and the tools all read this one description, so an endpoint that takes a label map, an instance
map and a cluster choice (pix2pixHD) goes through the same path as an image-to-image generator.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import keras
import tensorflow as tf

from tf_i2i.models.serving import tensors


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One exported signature.

    `fn(*inputs)` takes the `inputs` in order (NHWC specs named as the signature's keys; None dims
    are dynamic, and H/W are the ones TFLite conversion fixes) and returns a float32 NHWC image in
    [-1, 1] (SPADE's style_code returns a code [B, z_dim] instead). `size_multiple` applies to the
    first input's H and W; `size`, when set, is the one H x W the first input must have (a generator
    with a fixed output size, SPADE's) and is recorded in export_info.json. `image_inputs` name the inputs
    that are images in [-1, 1]: with `uint8`, an endpoint `<name>_uint8` takes those as uint8
    [0, 255] and returns a uint8 image. `networks` are the Keras objects whose variables `fn`
    reads (the archive must track them); `info` is extra JSON for export_info.json.
    """

    name: str
    fn: Callable[..., tf.Tensor]
    inputs: tuple[tf.TensorSpec, ...]
    size_multiple: int
    networks: tuple[keras.layers.Layer, ...]
    image_inputs: tuple[str, ...] = ()
    uint8: bool = False
    size: tuple[int, int] | None = None
    info: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def uint8_name(self) -> str:
        return self.name + tensors.UINT8_SUFFIX

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.inputs)

    def checked_fn(self) -> Callable[..., tf.Tensor]:
        """`fn` behind the serving-time size check of the first input."""
        def serve(*args: tf.Tensor) -> tf.Tensor:
            first = self.inputs[0].name
            check = (tensors.assert_multiple(args[0], self.size_multiple, self.name, first) if self.size is None
                     else tensors.assert_size(args[0], self.size, self.name, first))
            with tf.control_dependencies([check]):
                return tf.cast(self.fn(*args), tf.float32)
        return serve

    def uint8_fn(self) -> Callable[..., tf.Tensor]:
        """The `<name>_uint8` function: image inputs uint8 -> [-1, 1], the output back to uint8."""
        serve = self.checked_fn()

        def serve_uint8(*args: tf.Tensor) -> tf.Tensor:
            floats = [tensors.to_float(x) if spec.name in self.image_inputs else x
                      for x, spec in zip(args, self.inputs)]
            return tensors.to_uint8(serve(*floats))
        return serve_uint8

    def uint8_inputs(self) -> tuple[tf.TensorSpec, ...]:
        return tuple(tf.TensorSpec(s.shape, tf.uint8, s.name) if s.name in self.image_inputs else s
                     for s in self.inputs)


def image_endpoint(name: str, generator: keras.Model, channels: int) -> Endpoint:
    """An image-to-image generator as an endpoint: 'image' [B, H, W, channels] -> image, with uint8."""
    return Endpoint(name, lambda images: generator(images, training=False),
                    (tensors.image_spec(channels, tf.float32),), generator.size_multiple, (generator,),
                    image_inputs=("image",), uint8=True)


def fixed_size(specs: tuple[tf.TensorSpec, ...], height: int, width: int) -> list[tf.TensorSpec]:
    """`specs` with the H and W of every NHWC spec fixed (batch and other ranks stay as they are)."""
    return [tf.TensorSpec([s.shape[0], height, width, s.shape[3]], s.dtype, s.name) if s.shape.rank == 4 else s
            for s in specs]
