"""What a model exports: named endpoints, each a graph function over named inputs that returns a
float32 image in [-1, 1], or named outputs one of which is that image (vid2vid's next frame with its
flow and occlusion mask).

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

from tf_i2i.models.serving import checks, tensors
from tf_i2i.models.serving.checks import IdRange


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One exported signature.

    `fn(*inputs)` takes the `inputs` in order (NHWC specs, or NTHWC for frames, named as the
    signature's keys; None dims are dynamic, and H/W are the ones TFLite conversion fixes) and
    returns a float32 NHWC image in [-1, 1] (SPADE's style_code returns a code [B, z_dim] instead),
    or a dict of named float32 outputs holding that image as 'image' (the signature's output keys;
    TFLite files give them in key order). `size_multiple` applies to the first input's H and W;
    `size`, when set, is the one H x W the first input must have (a generator with a fixed output
    size, SPADE's) and is recorded in export_info.json. `size_divisors` name inputs whose H and W
    must be the first input's divided by the given number (1: the same size), checked at serving
    time and fixed so in TFLite files; other inputs (a reference picture) take any size they can.
    `image_inputs` name the inputs
    that are images in [-1, 1] (what check_range holds them to): with `uint8`, an endpoint
    `<name>_uint8` takes those as uint8 [0, 255] and returns a uint8 image. `ids` name the int
    inputs that hold class ids and the ids each accepts (checked always: another id would give a
    silently wrong image). `networks` are the Keras objects whose variables `fn` reads (the archive
    must track them); `info` is extra JSON for export_info.json.
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
    ids: Mapping[str, IdRange] = dataclasses.field(default_factory=dict)
    size_divisors: Mapping[str, int] = dataclasses.field(default_factory=dict)

    @property
    def uint8_name(self) -> str:
        return self.name + tensors.UINT8_SUFFIX

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.inputs)

    def checked_fn(self, check_range: bool = False) -> Callable[..., tf.Tensor]:
        """`fn` behind the serving-time input checks (tf_i2i.models.serving.checks): shapes, the
        first input's size rule and the sizes of `size_divisors` inputs, class ids and, with
        `check_range`, NaN/inf and image values outside [-1, 1]."""
        first = self.inputs[0].name

        def serve(*args: tf.Tensor) -> tf.Tensor | dict[str, tf.Tensor]:
            args = [checks.checked_shape(x, spec, self.name) for x, spec in zip(args, self.inputs)]
            args[0] = checks.checked_size(args[0], self.size_multiple, self.size, self.name, first)
            args = [checks.checked_divided_size(x, args[0], self.size_divisors[spec.name], self.name, spec.name, first)
                    if spec.name in self.size_divisors else x for x, spec in zip(args, self.inputs)]
            outputs = self.fn(*(self._checked_values(x, spec.name, check_range) for x, spec in zip(args, self.inputs)))
            return tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), outputs)
        return serve

    def _checked_values(self, tensor: tf.Tensor, name: str, check_range: bool) -> tf.Tensor:
        if name in self.ids:
            return checks.checked_ids(tensor, self.ids[name], self.name, name)
        if check_range and tensor.dtype.is_floating:
            return checks.checked_values(tensor, name in self.image_inputs, self.name, name)
        return tensor

    def uint8_fn(self, check_range: bool = False) -> Callable[..., tf.Tensor]:
        """The `<name>_uint8` function: image inputs uint8 -> [-1, 1], the output back to uint8."""
        serve = dataclasses.replace(self, name=self.uint8_name).checked_fn(check_range)  # errors name it

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


def fixed_size(specs: tuple[tf.TensorSpec, ...], height: int, width: int, batch: int | None = None,
               size_divisors: Mapping[str, int] | None = None) -> list[tf.TensorSpec]:
    """`specs` with the H and W of every NHWC (and NTHWC) spec fixed, divided by the spec's
    `size_divisors` entry, and every batch dimension `batch` (None: dynamic); other dimensions stay
    as they are."""
    divisors = size_divisors or {}

    def fixed(s: tf.TensorSpec) -> list[int | None]:
        dims = [batch] + s.shape.as_list()[1:]
        divisor = divisors.get(s.name, 1)
        for axis, side in zip(checks.spatial_axes(len(dims)), (height, width)):
            dims[axis] = side // divisor
        return dims
    return [tf.TensorSpec(fixed(s), s.dtype, s.name) for s in specs]
