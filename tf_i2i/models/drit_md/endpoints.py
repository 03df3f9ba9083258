"""Multi-domain DRIT++ (MDMM) serving endpoints: any domain to any other, the target named by an id.

  serve(_uint8)         image [B,H,W,C] (any domain: the content encoder is shared) + z float32
                        [B, nz] (an attribute code: N(0, I) samples give different outputs) +
                        domain int32 [B] (the target) -> the image in that domain
  serve_guided(_uint8)  image + style [B,h,w,C] (a reference picture) + domain int32 [B] (the
                        reference's domain, the target) -> the image with the reference's attribute
  attribute_code        style + domain -> z [B, nz] (the VAE mean for concat=1)

Input names follow the two-domain endpoints ('z' the code, 'style' the reference). H and W of the
image must be multiples of 4; references at least 16 px (the attribute encoder halves them four
times). TFLite files fix every image input to one H x W; the domain input stays [B]. Each endpoint
records 'num_domains' in export_info.json (ids are 0..num_domains-1; another id is an error
naming the 'domain' input).
"""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.checks import IdRange, assert_min_side
from tf_i2i.models.serving.tensors import image_spec

CODE_ENDPOINT = "attribute_code"
MIN_REFERENCE_SIDE = 16


def mdmm_endpoints(model) -> list[Endpoint]:
    """The endpoints above for a built MDMM model, computing in float32."""
    twin = model.float32_twin()
    cfg = twin.cfg
    image = image_spec(cfg.input_nc, tf.float32)
    style = image_spec(cfg.input_nc, tf.float32, name="style")
    z = tf.TensorSpec([None, cfg.nz], tf.float32, name="z")
    domain = tf.TensorSpec([None], tf.int32, name="domain")
    networks = (twin.enc_c, twin.enc_a, twin.gen)
    domain_info = {"num_domains": cfg.num_domains}
    ids = {"domain": IdRange(cfg.num_domains)}

    def code(references: tf.Tensor, domains: tf.Tensor, endpoint: str) -> tf.Tensor:
        with tf.control_dependencies([assert_min_side(references, MIN_REFERENCE_SIDE, endpoint, "style")]):
            return twin.attribute_code(references, domains)

    def guided(images: tf.Tensor, references: tf.Tensor, domains: tf.Tensor) -> tf.Tensor:
        return twin.translate(images, domains, code(references, domains, "serve_guided"))

    return [
        Endpoint("serve", lambda images, codes, domains: twin.translate(images, domains, codes), (image, z, domain),
                 twin.size_multiple, networks, image_inputs=("image",), uint8=True, info=domain_info, ids=ids),
        Endpoint("serve_guided", guided, (image, style, domain), twin.size_multiple, networks,
                 image_inputs=("image", "style"), uint8=True, info=domain_info, ids=ids),
        Endpoint(CODE_ENDPOINT, lambda references, domains: code(references, domains, CODE_ENDPOINT),
                 (style, domain), 1, (twin.enc_a,), image_inputs=("style",), ids=ids,
                 info={"output": f"z float32 [B, {cfg.nz}]: the attribute code of the reference, an input of serve",
                       **domain_info}),
    ]
