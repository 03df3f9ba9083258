"""pix2pix on the built-in synthetic scenes (label colours -> photo), small enough for a CPU in minutes."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.model.generator.netG = "unet_6downs"   # 64 px -> 1 px at the bottleneck
    c.model.generator.ngf = 32
    c.model.discriminator.ndf = 32
    c.data.source = "synthetic"
    c.data.layout = "aligned"
    c.data.synthetic.num_images = 256
    c.data.synthetic.image_size = 72
    c.data.load_size = 72
    c.data.crop_size = 64
    c.train.batch_size = 4
    c.train.num_steps = 1500
    c.train.log_every = 50
    c.train.sample_every = 250
    c.train.checkpoint_every = 250
    c.optim.constant_steps = 1000
    c.optim.decay_steps = 500
    c.export.height = 64
    c.export.width = 64
    c.export.tflite = "float32,float16,int8"
    return c
