"""pix2pix paper defaults (Isola et al. 2017; official train options for facades/cityscapes)."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "pix2pix"
    m.input_nc = 3
    m.output_nc = 3
    m.generator = dict(netG="unet_256", ngf=64, norm="batch", use_dropout=True)
    m.discriminator = dict(netD="basic", ndf=64, n_layers_D=3, norm="batch")
    m.loss = dict(gan_mode="vanilla", lambda_L1=100.0)
    c.data.layout = "aligned"
    c.data.load_size = 286
    c.data.crop_size = 256
    c.train.batch_size = 1
    return c
