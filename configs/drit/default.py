"""DRIT++ defaults (Lee et al. 2018, 2020) as the official code sets them (HsinYingLee/DRIT
src/options.py, model.py, dataset.py), for two-domain folder data (trainA, trainB), on top of what
DRIT and MDMM share (../disentangled.py: widths, init, optimisers, loader).

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
    c = load_sibling(__file__, "../disentangled.py")
    m = c.model
    m.name = "drit"
    m.output_nc = c.data.get_ref("b_channels")  # official input_dim_b
    m.dis_scale = 3
    m.mode_seeking = True                       # official: not --no_ms
    m.loss = dict(gan_w=1.0, content_w=1.0, cross_cycle_w=10.0, self_recon_w=10.0, kl_za_w=0.01, kl_zc_w=0.01,
                  latent_w=10.0, mode_seeking_w=1.0)
    c.data.layout = "unpaired"
    c.optim.constant_steps = c.optim.decay_steps = 600 * 205
    t = c.train
    t.batch_size = 2 * m.d_iter
    t.num_steps = 1200 * 205
    t.sample_every = t.checkpoint_every = 5 * 205  # official img_save_freq 5 epochs
    return c
