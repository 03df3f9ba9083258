"""DRIT++ defaults (Lee et al. 2018, 2020) as the official code sets them (HsinYingLee/DRIT
src/options.py, model.py, dataset.py), for two-domain folder data (trainA, trainB).

Names follow the official options: model.concat (1: VAE attribute encoder + concatenating
generator; 0: plain encoder + feature-wise MisINS generator, the official advice for translations
that change shapes), dis_scale, dis_norm, dis_spectral_norm, d_iter; model.mode_seeking is
`not no_ms` (DRIT++'s regulariser, on by default). The widths the official code hard-codes are
model.dim (64; content width 4 * dim) and model.mlp_dim (256, the concat=0 generator's MLP).

One training step is one official update_EG iteration, which the official loop reaches every
d_iter batches of 2: train.batch_size is d_iter * 2 = 6 images per domain (see models/drit/model.py).
The official schedule counts epochs (1200, linear decay to 0 from epoch 600, at most 500000
iterations); here in steps for the Yosemite summer set (1231 pictures: 205 steps per epoch).
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "drit"
    m.input_nc = c.data.get_ref("a_channels")   # official input_dim_a
    m.output_nc = c.data.get_ref("b_channels")  # official input_dim_b
    m.concat = 1
    m.dim = 64
    m.mlp_dim = 256
    m.nz = 8                                    # official DRIT.nz
    m.dis_scale = 3
    m.dis_norm = "None"                         # no effect in the official networks (see nets/drit_blocks.py)
    m.dis_spectral_norm = False
    m.mode_seeking = True                       # official: not --no_ms
    m.d_iter = 3
    m.init = "conv_gaussian"                    # official gaussian_weights_init on every network
    m.weight_decay = 1e-4                       # every official Adam
    m.content_lr_factor = 1 / 2.5               # official lr_dcontent = lr / 2.5
    m.content_clip_norm = 5.0                   # official clip_grad_norm_ on disContent
    m.loss = dict(gan_w=1.0, content_w=1.0, cross_cycle_w=10.0, self_recon_w=10.0, kl_za_w=0.01, kl_zc_w=0.01,
                  latent_w=10.0, mode_seeking_w=1.0)

    d = c.data
    d.layout = "unpaired"
    d.preprocess = "resize_and_crop"            # official Resize((256, 256)), RandomCrop(216)
    d.load_size = 256
    d.crop_size = 216
    d.flip = True

    o = c.optim
    o.g_lr = o.d_lr = 1e-4
    o.beta1, o.beta2 = 0.5, 0.999
    o.schedule = "linear"                       # official lr_policy 'lambda'
    o.constant_steps = 600 * 205
    o.decay_steps = 600 * 205

    t = c.train
    t.batch_size = 2 * m.d_iter
    t.num_steps = 1200 * 205
    t.log_every = 100
    t.sample_every = t.checkpoint_every = 5 * 205  # official img_save_freq 5 epochs
    c.export.height = c.export.width = 216
    return c
