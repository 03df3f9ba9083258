"""CycleGAN paper defaults (Zhu et al. 2017; official train options)."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "cyclegan"
    m.input_nc = 3
    m.output_nc = 3
    m.seed = 0
    m.pool_size = 50
    m.generator = dict(netG="resnet_9blocks", ngf=64, norm="instance", use_dropout=False)
    m.discriminator = dict(netD="basic", ndf=64, n_layers_D=3, norm="instance")
    m.loss = dict(gan_mode="lsgan", lambda_A=10.0, lambda_B=10.0, lambda_identity=0.5)
    c.data.layout = "unpaired"
    c.data.load_size = 286
    c.data.crop_size = 256
    c.train.batch_size = 1
    return c
