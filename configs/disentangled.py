"""What DRIT's and multi-domain DRIT++'s official trainers share (HsinYingLee/DRIT, HsinYingLee/MDMM):
the widths their code hard-codes (model.dim 64, model.mlp_dim 256, nz 8), the discriminator
options, d_iter, gaussian_weights_init, every Adam (1e-4, betas 0.5/0.999, weight decay 1e-4), the
content discriminator's lr / 2.5 and gradient clipping, and the loader (resize to 256, random
216 crop, flip). configs/drit/default.py and configs/drit_md/default.py start from this.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "base.py")
    m = c.model
    m.input_nc = c.data.get_ref("a_channels")   # official input_dim_a
    m.concat = 1
    m.dim = 64
    m.mlp_dim = 256
    m.nz = 8                                    # official nz
    m.dis_norm = "None"                         # no effect in the official networks (see nets/drit_blocks.py)
    m.dis_spectral_norm = False
    m.d_iter = 3
    m.init = "conv_gaussian"                    # official gaussian_weights_init on every network
    m.weight_decay = 1e-4                       # every official Adam
    m.content_lr_factor = 1 / 2.5               # official lr_dcontent = lr / 2.5
    m.content_clip_norm = 5.0                   # official clip_grad_norm_ on disContent

    d = c.data
    d.preprocess = "resize_and_crop"            # official Resize((256, 256)), RandomCrop(216)
    d.load_size = 256
    d.crop_size = 216
    d.flip = True

    o = c.optim
    o.g_lr = o.d_lr = 1e-4
    o.beta1, o.beta2 = 0.5, 0.999
    o.schedule = "linear"                       # official lr_policy 'lambda'

    c.train.log_every = 100
    c.export.height = c.export.width = 216
    return c
