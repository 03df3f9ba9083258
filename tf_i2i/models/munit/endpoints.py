"""MUNIT serving endpoints: tf_i2i.models.serving.code_endpoints with the style code as the code, both directions.

  serve(_b2a)(_uint8)         image [B,H,W,C_src] + z [B, style_dim] -> image of the other domain
  serve_guided(_b2a)(_uint8)  image + style (a reference picture of the target domain, any size) -> image
  style_code(_b2a)            style -> z [B, style_dim]

H and W of the image must be multiples of 2**n_downsample; TFLite files fix every image input to one H x W.
"""

from __future__ import annotations

import keras

from tf_i2i.models.serving.code_endpoints import SUFFIXES, CodeDirection, direction_endpoints
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.float32 import float32_network

CODE_ENDPOINT = "style_code"


def munit_endpoints(model) -> list[Endpoint]:
    """The endpoints above for both directions of a built MUNIT model, computing in float32."""
    cfg = model.cfg
    gen_a, gen_b = float32_network(model.gen_a, cfg.input_nc), float32_network(model.gen_b, cfg.output_nc)

    def direction(source: keras.Model, target: keras.Model, source_channels: int, target_channels: int
                  ) -> CodeDirection:
        return CodeDirection(
            translate=lambda images, codes: target.decode(source.enc_content(images, training=False), codes,
                                                          training=False),
            code=lambda references: target.enc_style(references, training=False),
            networks=(source, target), code_networks=(target,), source_channels=source_channels,
            target_channels=target_channels, code_dim=model.style_dim, size_multiple=source.size_multiple)

    return (direction_endpoints(direction(gen_a, gen_b, cfg.input_nc, cfg.output_nc), CODE_ENDPOINT, SUFFIXES["a2b"])
            + direction_endpoints(direction(gen_b, gen_a, cfg.output_nc, cfg.input_nc), CODE_ENDPOINT,
                                  SUFFIXES["b2a"]))
