"""MUNIT defaults (Huang et al. 2018) as the official code sets them (NVlabs/MUNIT
configs/edges2shoes_folder.yaml; demo_edges2handbags_folder.yaml has the same values), on top of
what MUNIT and UNIT share (configs/two_domain.py: discriminator, optimiser, init, data loader).

Names follow the official options: model.generator = gen (dim, mlp_dim, style_dim, activ,
n_downsample, n_res, pad_type), model.loss = the *_w weights. recon_x_cyc_w weights the explicit
style-augmented cycle loss and vgg_w the domain-invariant perceptual loss (VGG16 relu5_3,
instance-normalised, of each translation against its input), both 0 here; loss.vgg_weights:
'imagenet' (the cached Keras file, never downloaded), a file path, or 'random'.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../two_domain.py")
    m = c.model
    m.name = "munit"
    m.generator = dict(dim=64, mlp_dim=256, style_dim=8, activ="relu", n_downsample=2, n_res=4, pad_type="reflect")
    m.loss = dict(gan_w=1.0, recon_x_w=10.0, recon_s_w=1.0, recon_c_w=1.0, recon_x_cyc_w=0.0, vgg_w=0.0,
                  vgg_weights="imagenet")
    c.train.sample_every = 1000                 # official image_save_iter
    return c
