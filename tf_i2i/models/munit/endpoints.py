"""MUNIT serving endpoints (tf_i2i.export.Endpoint), A -> B and, with the suffix _b2a, B -> A.

  serve         image float32 [B,H,W,C_src] + z float32 [B, style_dim] (a style code of the target
                domain: N(0, I) samples give different outputs, style_code gives a reference's)
                -> the translated image; serve_uint8 takes and returns uint8 images.
  serve_guided  image + style float32 [B,h,w,C_dst] (a reference image of the target domain, any
                size) -> the image in the reference's style; also serve_guided_uint8.
  style_code    style [B,h,w,C_dst] -> z [B, style_dim]: codes a client can keep, mix
                (tf_i2i.models.spade.styles.interpolate_styles) and pass to serve.

Input names follow SPADE's endpoints ('z' the code, 'style' the reference picture). H and W of the
image must be multiples of 2**n_downsample; TFLite files fix every image input to one H x W.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.export.endpoint import Endpoint
from tf_i2i.export.float32 import float32_network
from tf_i2i.export.serving import image_spec

SUFFIXES = {"a2b": "", "b2a": "_b2a"}


def direction_endpoints(source: keras.Model, target: keras.Model, source_channels: int, target_channels: int,
                        style_dim: int, suffix: str = "") -> list[Endpoint]:
    """serve, serve_guided and style_code (each name + suffix) from source's content to target's domain."""
    image = image_spec(source_channels, tf.float32)
    z = tf.TensorSpec([None, style_dim], tf.float32, name="z")
    style = image_spec(target_channels, tf.float32, name="style")

    def translate(images: tf.Tensor, codes: tf.Tensor) -> tf.Tensor:
        return target.decode(source.enc_content(images, training=False), codes, training=False)

    def style_code(references: tf.Tensor) -> tf.Tensor:
        return target.enc_style(references, training=False)

    networks = (source, target)
    return [
        Endpoint("serve" + suffix, translate, (image, z), source.size_multiple, networks, image_inputs=("image",),
                 uint8=True),
        Endpoint("serve_guided" + suffix, lambda images, refs: translate(images, style_code(refs)), (image, style),
                 source.size_multiple, networks, image_inputs=("image", "style"), uint8=True),
        Endpoint("style_code" + suffix, style_code, (style,), 1, (target,),
                 info={"output": f"z float32 [B, {style_dim}]: the style code of the reference, an input of "
                                 f"serve{suffix}"}),
    ]


def munit_endpoints(model) -> list[Endpoint]:
    """The endpoints above for both directions of a built MUNIT model, computing in float32."""
    cfg = model.cfg
    gen_a, gen_b = float32_network(model.gen_a, cfg.input_nc), float32_network(model.gen_b, cfg.output_nc)
    return (direction_endpoints(gen_a, gen_b, cfg.input_nc, cfg.output_nc, model.style_dim, SUFFIXES["a2b"])
            + direction_endpoints(gen_b, gen_a, cfg.output_nc, cfg.input_nc, model.style_dim, SUFFIXES["b2a"]))
