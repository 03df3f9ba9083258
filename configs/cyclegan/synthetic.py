"""CycleGAN day <-> night on the built-in synthetic scenes, small enough for a CPU in minutes."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.model.generator.netG = "resnet_6blocks"
    c.model.generator.ngf = 16
    c.model.discriminator.ndf = 16
    c.data.source = "synthetic"
    c.data.layout = "unpaired"
    c.data.synthetic.num_images = 256
    c.data.synthetic.image_size = 72
    c.data.load_size = 72
    c.data.crop_size = 64
    c.train.batch_size = 2
    c.train.num_steps = 800
    c.train.sample_every = 200
    c.train.checkpoint_every = 200
    c.optim.constant_steps = 400
    c.optim.decay_steps = 400
    c.export.height = 64
    c.export.width = 64
    return c
