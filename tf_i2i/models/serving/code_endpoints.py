"""Serving endpoints of the two-domain models that translate an image with a code of the target
domain (MUNIT's style code, DRIT's attribute code), one set per direction (suffix '' for A -> B,
'_b2a' for B -> A):

  serve<suffix>         image float32 [B,H,W,C_src] + z float32 [B, code_dim] (a code of the target
                        domain: N(0, I) samples give different outputs, the code endpoint gives a
                        reference's) -> the translated image; serve<suffix>_uint8 takes and returns
                        uint8 images.
  serve_guided<suffix>  image + style float32 [B,h,w,C_dst] (a reference picture of the target domain,
                        any size the encoder accepts) -> the image with the reference's code; also
                        serve_guided<suffix>_uint8.
  <code><suffix>        style -> z [B, code_dim]: codes a client can keep, mix
                        (tf_i2i.models.codes.interpolate_styles) and pass to serve.

Input names follow SPADE's endpoints ('z' the code, 'style' the reference picture). The models
supply the functions (CodeDirection); the endpoint layout lives here once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
import tensorflow as tf

from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.checks import assert_min_side
from tf_i2i.models.serving.tensors import image_spec

SUFFIXES = {"a2b": "", "b2a": "_b2a"}  # direction -> endpoint name suffix


@dataclasses.dataclass(frozen=True)
class CodeDirection:
    """One direction of a model as float32 graph functions: `translate(images, codes)` -> images of
    the target domain, `code(references)` -> codes [B, code_dim] of target-domain pictures.

    `networks` hold every variable the two functions read, `code_networks` those `code` reads.
    Source images need H and W multiples of `size_multiple`; references need sides of at least
    `min_reference_side` (checked at serving time and recorded in export_info.json as
    'style_min_side'), None when any size the encoder runs on works.
    """

    translate: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
    code: Callable[[tf.Tensor], tf.Tensor]
    networks: tuple[keras.layers.Layer, ...]
    code_networks: tuple[keras.layers.Layer, ...]
    source_channels: int
    target_channels: int
    code_dim: int
    size_multiple: int
    min_reference_side: int | None = None

    def checked_code(self, endpoint: str) -> Callable[[tf.Tensor], tf.Tensor]:
        """`code` behind the reference size check (errors name `endpoint`)."""
        if self.min_reference_side is None:
            return self.code

        def code(references: tf.Tensor) -> tf.Tensor:
            with tf.control_dependencies([assert_min_side(references, self.min_reference_side, endpoint, "style")]):
                return self.code(references)
        return code


def direction_endpoints(direction: CodeDirection, code_endpoint: str, suffix: str = "") -> list[Endpoint]:
    """serve, serve_guided and `code_endpoint` (each name + suffix) of one direction."""
    d = direction
    image = image_spec(d.source_channels, tf.float32)
    z = tf.TensorSpec([None, d.code_dim], tf.float32, name="z")
    style = image_spec(d.target_channels, tf.float32, name="style")
    guided, code = "serve_guided" + suffix, code_endpoint + suffix
    guided_code = d.checked_code(guided)
    limit = {} if d.min_reference_side is None else {"style_min_side": d.min_reference_side}  # for clients
    what = code_endpoint.replace("_", " ")
    return [
        Endpoint("serve" + suffix, d.translate, (image, z), d.size_multiple, d.networks, image_inputs=("image",),
                 uint8=True),
        Endpoint(guided, lambda images, references: d.translate(images, guided_code(references)), (image, style),
                 d.size_multiple, d.networks, image_inputs=("image", "style"), uint8=True, info=limit),
        Endpoint(code, d.checked_code(code), (style,), 1, d.code_networks, image_inputs=("style",),
                 info={"output": f"z float32 [B, {d.code_dim}]: the {what} of the reference, an input of "
                                 f"serve{suffix}", **limit}),
    ]
