"""SPADE serving endpoints (tf_i2i.export.Endpoint): label map (+ instance map) (+ style) -> image.

  serve        label int32 [B,H,W,1] [+ instance int32 [B,H,W,1] with use_instance]
               [+ z float32 [B, z_dim] with use_vae: the style code; sample it from N(0, I) for
               multimodal synthesis] -> image in [-1, 1]. Also serve_uint8 (a uint8 image out).
  serve_style  (use_vae) label [+ instance] + style float32 [B,h,w,3] in [-1, 1], any size (the
               encoder resizes it to 256x256) -> the image in that photo's style, z = the encoder's
               mean.
  style_code   (use_vae) style float32 [B,h,w,3] -> z float32 [B, z_dim], that mean: codes a client
               can keep, mix (tf_i2i.models.codes.interpolate_styles) and pass to serve.

H x W is the generator's one output size (crop_size wide, crop_size / aspect_ratio high): a label
map of another size fails at serving time, as do label ids outside [0, label_nc) other than the
dontcare id. TFLite files fix the style photo's size to H x W too.
"""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.models.serving.checks import IdRange
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.float32 import float32_network
from tf_i2i.models.serving.tensors import image_spec, label_specs

CODE_ENDPOINT = "style_code"


def label_channels(cfg) -> int:
    """Channels of G's label input: one-hot classes, the don't-care channel, the boundary map."""
    return cfg.label_nc + (1 if cfg.dontcare_label >= 0 else 0) + (1 if cfg.use_instance else 0)


def spade_endpoints(model) -> list[Endpoint]:
    """The endpoints above for a built SPADE model, computing in float32."""
    cfg = model.cfg
    generator = float32_network(model.generator, label_channels(cfg))
    specs = label_specs(cfg.use_instance)
    ids = {"label": IdRange(cfg.label_nc, cfg.dontcare_label)}
    common = dict(size_multiple=generator.size_multiple, size=generator.output_size, ids=ids)

    def generate(labels: tuple[tf.Tensor, ...], z: tf.Tensor | None) -> tf.Tensor:
        label_input = tf.cast(model.label_input({s.name: x for s, x in zip(specs, labels)}), tf.float32)
        return generator(label_input, z=z, training=False)

    if model.encoder is None:
        return [Endpoint("serve", lambda *args: generate(args, None), specs, networks=(generator,), uint8=True,
                         **common)]
    encoder = float32_network(model.encoder, cfg.output_nc)
    z_spec = tf.TensorSpec([None, cfg.generator.z_dim], tf.float32, name="z")
    style_spec = image_spec(cfg.output_nc, tf.float32, name="style")

    def style_code(style: tf.Tensor) -> tf.Tensor:
        mu, _ = encoder(style, training=False)
        return mu

    return [
        Endpoint("serve", lambda *args: generate(args[:-1], args[-1]), specs + (z_spec,), networks=(generator,),
                 uint8=True, **common),
        Endpoint("serve_style", lambda *args: generate(args[:-1], style_code(args[-1])), specs + (style_spec,),
                 networks=(generator, encoder), image_inputs=("style",), **common),
        Endpoint(CODE_ENDPOINT, style_code, (style_spec,), encoder.size_multiple, (encoder,), image_inputs=("style",),
                 info={"output": "z float32 [B, z_dim]: the style code (the encoder's mean), an input of serve"}),
    ]
