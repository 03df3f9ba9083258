"""INIT serving endpoints: MUNIT's global ones (serve, serve_guided, style_code: munit/endpoints.py) and,
per direction (suffix '' for A -> B, '_b2a' for B -> A), the region-wise ones:

  serve_instances(_uint8)  image float32 [B,H,W,C_src] + boxes float32 [B,N,4] + box_valid float32 [B,N]
                           (1 a box, 0 an empty slot) + z [B,S] (the background code) + z_objects [B,N,S]
                           (one code per box slot) -> the image of the target domain, each valid box
                           rendered with its object code and the rest with the background code.
  instance_codes           style float32 [B,h,w,C_dst] (a reference picture of the target domain) + its
                           boxes + box_valid -> {z [B,S] its global code (serve's z), z_background [B,S],
                           z_objects [B,N,S]}: the target domain's encoders, INIT.picture_styles.

N is model.instance.max_boxes (data.boxes.max_boxes); boxes are (y1, x1, y2, x2) normalised to the
picture by pixel edges (docs/datasets.md). box_valid is float so that every runtime can feed it. The
SavedModel takes any picture size (boxes are rasterised at the size the graph sees at run time); the
TFLite files fix it as every endpoint's.
"""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.data.boxes import INIT_CLASSES
from tf_i2i.models.munit.endpoints import munit_endpoints
from tf_i2i.models.serving.code_endpoints import SUFFIXES
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.tensors import image_spec

INSTANCES_ENDPOINT = "serve_instances"
INSTANCE_CODES_ENDPOINT = "instance_codes"
BOX_CONVENTION = ("boxes float32 [B, max_boxes, 4] (y1, x1, y2, x2) normalised to the picture by pixel edges "
                  "(a box over pixel columns x1..x2-1 is x1 / W .. x2 / W); box_valid float32 [B, max_boxes], "
                  "1 for a box, 0 for an empty slot; a pixel belongs to a box when its centre lies inside, the "
                  "smallest box winning where boxes overlap")


def init_endpoints(model) -> list[Endpoint]:
    """MUNIT's endpoints of `model` plus serve_instances and instance_codes for both directions, in float32."""
    twin = model.float32_twin()
    n, s = model.cfg.instance.max_boxes, model.style_dim
    boxes = tf.TensorSpec([None, n, 4], tf.float32, name="boxes")
    valid = tf.TensorSpec([None, n], tf.float32, name="box_valid")
    z = tf.TensorSpec([None, s], tf.float32, name="z")
    z_objects = tf.TensorSpec([None, n, s], tf.float32, name="z_objects")
    info = {"max_boxes": n, "style_dim": s, "box_convention": BOX_CONVENTION,
            "box_classes": {str(k): v for k, v in INIT_CLASSES.items()}}
    networks = (twin.gen_a, twin.gen_b)
    endpoints = munit_endpoints(model)
    for direction, suffix in SUFFIXES.items():
        source, target = twin.pair(direction)
        target_domain = "b" if direction == "a2b" else "a"

        def translate(images, box, box_valid, background, objects, direction=direction):
            return twin.translate_instances(images, box, box_valid > 0.5, background, objects, direction)

        def codes(style, box, box_valid, domain=target_domain):
            styles = twin.picture_styles(style, box, box_valid > 0.5, domain)
            return {"z": styles.global_, "z_background": styles.background, "z_objects": styles.objects}

        style = image_spec(target.input_dim, tf.float32, name="style")
        endpoints += [
            Endpoint(INSTANCES_ENDPOINT + suffix, translate,
                     (image_spec(source.input_dim, tf.float32), boxes, valid, z, z_objects), source.size_multiple,
                     networks, image_inputs=("image",), uint8=True, info=info),
            Endpoint(INSTANCE_CODES_ENDPOINT + suffix, codes, (style, boxes, valid), 1, networks,
                     image_inputs=("style",),
                     info={**info, "output": f"z, z_background [B, {s}] and z_objects [B, {n}, {s}] float32: the "
                                             f"reference's codes, inputs of serve{suffix} and {INSTANCES_ENDPOINT}{suffix}"}),
        ]
    return endpoints
