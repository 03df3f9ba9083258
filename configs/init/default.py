"""INIT defaults (Shen et al., CVPR 2019). No official code exists: the networks, optimiser, schedule and
loss weights are MUNIT's street-scene settings (configs/munit/default.py, the explicit cycle on at 10
as MUNIT's synthia2cityscape config has it), which the paper builds on; docs/models/init.md lists every
choice and its reason.

model.instance.crop_size: object crops are resized to this square (a multiple of 16 for the style
encoder); model.instance.max_boxes follows data.boxes.max_boxes (the box slots exported endpoints take). model.loss.instance_w scales every object-level term. model.object_discriminator overrides
model.discriminator's options for the crop discriminators. Data: layout "boxes", one pair of domains
(data.boxes.pair), 8 boxes per picture.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../munit/default.py")
    m = c.model
    m.name = "init"
    m.loss.recon_x_cyc_w = 10.0
    m.loss.instance_w = 1.0
    m.instance = dict(crop_size=64, max_boxes=c.data.boxes.get_ref("max_boxes"))
    m.object_discriminator = dict(num_scales=2)
    c.data.layout = "boxes"
    c.data.num_domains = 2
    c.data.boxes.pair = (0, 1)
    return c
