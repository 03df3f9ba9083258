"""Multi-domain DRIT++ (MDMM) defaults as the official code sets them (HsinYingLee/MDMM options.py,
model.py MD_multi, datasets.py dataset_multi), for N domain folders trainA, trainB, trainC, ...

Names follow the official options: model.concat, dis_spectral_norm, dis_norm (no effect, as in
the official networks), d_iter; model.content_discriminator is --isDcontent (off by default, as
official; turning it on needs crops of 212..243 px, where content maps reduce to 1x1, and a batch
of 2 * d_iter); loss.lambda_rec / lambda_cls are --lambda_rec / --lambda_cls. The widths the
official code hard-codes are model.dim (64) and model.mlp_dim (256). The official dis_scale
option builds nothing in MD_multi (MD_Dis is single-scale) and iswgan (WGAN-GP) is not provided.

The official schedule counts epochs (1200, linear decay to 0 from 600, at most 500000
iterations); here in steps: 250000 at the full rate, then 250000 of decay, a data-set-independent
stand-in (an epoch is the largest domain's picture count / 2 steps).
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "drit_md"
    m.input_nc = c.data.get_ref("a_channels")     # official input_dim_a (every domain)
    m.num_domains = c.data.get_ref("num_domains")
    m.image_size = c.data.get_ref("crop_size")    # MD_Dis's classification kernel is int(crop_size / 64)
    m.concat = 1
    m.dim = 64
    m.mlp_dim = 256
    m.nz = 8                                      # official MD_multi.nz
    m.dis_norm = "None"
    m.dis_spectral_norm = False
    m.content_discriminator = False               # official --isDcontent
    m.d_iter = 3
    m.init = "conv_gaussian"                      # official gaussian_weights_init on every network
    m.weight_decay = 1e-4                         # every official Adam
    m.content_lr_factor = 1 / 2.5                 # official lr_dcontent = lr / 2.5
    m.content_clip_norm = 5.0                     # official clip_grad_norm_ on disContent
    m.loss = dict(gan_w=1.0, lambda_rec=10.0, lambda_cls=1.0, kl_za_w=0.01, kl_zc_w=0.01, latent_w=10.0)

    d = c.data
    d.layout = "domains"
    d.num_domains = 3
    d.preprocess = "resize_and_crop"              # official Resize((256, 256)), RandomCrop(216)
    d.load_size = 256
    d.crop_size = 216
    d.flip = True

    o = c.optim
    o.g_lr = o.d_lr = 1e-4
    o.beta1, o.beta2 = 0.5, 0.999
    o.schedule = "linear"                         # official lr_policy 'lambda'
    o.constant_steps = o.decay_steps = 250000

    t = c.train
    t.batch_size = 2
    t.num_steps = 500000
    t.log_every = 100
    t.sample_every = t.checkpoint_every = 5000
    c.export.height = c.export.width = 216
    return c
