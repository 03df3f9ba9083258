"""SPADE on Cityscapes at 512x256 (official dataset_mode cityscapes): 35 labelIds, instance maps,
no dontcare class, every image resized to 512x256 (preprocess "fixed", aspect ratio 2), one more
upsampling in the generator (num_upsampling_layers "more": an 8x4 latent grid), batch 16.

data.source is the official release tree: gtFine/train/<city>/*_gtFine_labelIds.png and
*_gtFine_instanceIds.png, leftImg8bit/train/<city>/*_leftImg8bit.png. The paper trains 200
epochs (2975 images / batch 16 each); we keep the rate for 100 and decay it over 100.
"""

from tf_i2i.config_utils import load_sibling

EPOCH = 2975 // 16  # steps per epoch: Cityscapes train images / batch size


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/cityscapes"
    c.data.layout = "cityscapes"
    c.data.num_classes = 35
    c.data.dontcare_label = -1
    c.data.use_instance = True
    c.data.preprocess = "fixed"
    c.data.load_size = 512
    c.data.crop_size = 512
    c.data.aspect_ratio = 2.0
    c.model.generator.num_upsampling_layers = "more"
    c.train.batch_size = 16
    c.train.num_steps = 200 * EPOCH
    c.optim.constant_steps = 100 * EPOCH
    c.optim.decay_steps = 100 * EPOCH
    c.export.height = 256
    c.export.width = 512
    return c
