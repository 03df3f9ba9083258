"""DRIT++ day <-> night on the built-in synthetic scenes, small enough for a CPU: narrow networks
(dim 8), the official losses, optimiser, d_iter and batch. Crops stay at the official 216 px: the
content discriminator's three k7 stride-2 convs and k4 conv need content maps of 53 px or more."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.dim = 8
    c.model.mlp_dim = 32
    use_small_synthetic_run(c, num_steps=600, batch_size=c.train.batch_size)
    c.data.synthetic.image_size = c.data.load_size = 232
    c.data.crop_size = 216
    c.train.log_every = 20
    c.export.height = c.export.width = 216
    return c
