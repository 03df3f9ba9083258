"""pix2pixHD on the built-in synthetic scenes (label ids + instances -> photo), small enough for a CPU in minutes.

The VGG loss is off: VGG19 would cost more than the whole generator at this size (and without
cached ImageNet weights it could only be random).
"""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run
from tf_i2i.data.synthetic_scene import NUM_CLASSES


def get_config():
    c = load_sibling(__file__)
    m = c.model
    m.generator.update(ngf=16, n_downsample_global=3, n_blocks_global=3, n_blocks_local=1)
    m.discriminator.update(ndf=16, n_layers_D=3, num_D=2)
    m.encoder.update(nef=8, n_downsample_E=2)
    m.loss.vgg_loss = False
    m.loss.vgg_weights = "random"
    use_small_synthetic_run(c)
    c.data.num_classes = NUM_CLASSES
    c.data.preprocess = "resize_and_crop"
    return c
