"""SPADE on the built-in synthetic scenes (label ids + instances -> photo) at 64x64, small enough
for a CPU in minutes. The image encoder is on (use_vae) so multimodal synthesis can be tried; the
VGG loss is off (VGG19 would cost more than the networks here, and uncached it is only random).
"""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run
from tf_i2i.data.synthetic_scene import NUM_CLASSES


def get_config():
    c = load_sibling(__file__)
    m = c.model
    m.generator.update(ngf=16, use_vae=True, spade_hidden=32)
    m.discriminator.update(ndf=16)
    m.loss.vgg_loss = False
    m.loss.vgg_weights = "random"
    use_small_synthetic_run(c)
    c.data.num_classes = NUM_CLASSES
    c.data.dontcare_label = -1
    c.data.use_instance = True
    return c
