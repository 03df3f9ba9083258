"""Multi-domain DRIT++ (MDMM) defaults as the official code sets them (HsinYingLee/MDMM options.py,
model.py MD_multi, datasets.py dataset_multi), for N domain folders trainA, trainB, trainC, ...,
on top of what DRIT and MDMM share (../disentangled.py: widths, init, optimisers, loader).

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
    c = load_sibling(__file__, "../disentangled.py")
    m = c.model
    m.name = "drit_md"
    m.num_domains = c.data.get_ref("num_domains")
    m.image_size = c.data.get_ref("crop_size")    # MD_Dis's classification kernel is int(crop_size / 64)
    m.content_discriminator = False               # official --isDcontent
    m.loss = dict(gan_w=1.0, lambda_rec=10.0, lambda_cls=1.0, kl_za_w=0.01, kl_zc_w=0.01, latent_w=10.0)
    c.data.layout = "domains"
    c.data.num_domains = 3
    c.optim.constant_steps = c.optim.decay_steps = 250000
    t = c.train
    t.batch_size = 2
    t.num_steps = 500000
    t.sample_every = t.checkpoint_every = 5000
    return c
