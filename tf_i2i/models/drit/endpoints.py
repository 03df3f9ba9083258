"""DRIT serving endpoints: tf_i2i.models.serving.code_endpoints with the attribute code as the code, both directions.

  serve(_b2a)(_uint8)         image [B,H,W,C_src] + z [B, nz] (an attribute code of the target domain)
                              -> image of the other domain
  serve_guided(_b2a)(_uint8)  image + style (a reference picture of the target domain) -> the image
                              with the reference's attribute
  attribute_code(_b2a)        style -> z [B, nz] (the VAE mean for concat=1, the code for concat=0)

H and W of the image must be multiples of 4 (and at least 8: the content blocks reflect-pad the
H/4 x W/4 map by one pixel). A reference may have any size from MIN_REFERENCE_SIDE up, checked at
serving time. TFLite files fix every image input to one H x W.
"""

from __future__ import annotations

from tf_i2i.models.serving.code_endpoints import SUFFIXES, CodeDirection, direction_endpoints
from tf_i2i.models.serving.endpoint import Endpoint

CODE_ENDPOINT = "attribute_code"
# Both attribute encoders halve the picture four times with reflect-padded (pad 1) convs; the last
# one needs an input of 2 px or more, so 16 px is the smallest side that runs (15 fails).
MIN_REFERENCE_SIDE = 16
DIRECTIONS = {"a2b": ("a", "b"), "b2a": ("b", "a")}  # direction -> (source, target) domain


def drit_endpoints(model) -> list[Endpoint]:
    """The endpoints above for both directions of a built DRIT model, computing in float32."""
    twin = model.float32_twin()
    cfg = twin.cfg
    channels = {"a": cfg.input_nc, "b": cfg.output_nc}

    def direction(name: str) -> CodeDirection:
        source, target = DIRECTIONS[name]
        return CodeDirection(
            translate=lambda images, codes: twin.translate(images, name, codes),
            code=lambda references: twin.attribute_code(references, target),
            networks=(twin.enc_c, twin.enc_a, twin.gen), code_networks=(twin.enc_a,),
            source_channels=channels[source], target_channels=channels[target], code_dim=cfg.nz,
            size_multiple=twin.size_multiple, min_reference_side=MIN_REFERENCE_SIDE)

    return [endpoint for name, suffix in SUFFIXES.items()
            for endpoint in direction_endpoints(direction(name), CODE_ENDPOINT, suffix)]
