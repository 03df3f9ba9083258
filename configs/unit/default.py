"""UNIT defaults (Liu et al. 2017) as the official code sets them (mingyuliutw/UNIT, the 2018
MUNIT-style release: configs/unit_*_folder.yaml, whose values below agree in every yaml but vgg_w),
on top of what MUNIT and UNIT share (../two_domain.py: discriminator, optimiser, init, data).

Names follow the official options: model.generator = gen (dim, n_downsample, n_res, activ,
pad_type; n_shared is ours: the paper ties the last n_shared encoder and first n_shared decoder
blocks of the two domains, the official code ties none), model.loss = the *_w weights. vgg_w
weights the domain-invariant perceptual loss (VGG16 relu5_3, instance-normalised, of each
translation against its input): 0 in the summer2winter and edges2* yamls, 1 in gta2city's.
loss.vgg_weights: 'imagenet' (the cached Keras file, never downloaded), a file path, or 'random'.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../two_domain.py")
    m = c.model
    m.name = "unit"
    m.generator = dict(dim=64, n_downsample=2, n_res=4, activ="relu", pad_type="reflect", n_shared=0)
    m.loss = dict(gan_w=1.0, recon_x_w=10.0, recon_kl_w=0.01, recon_x_cyc_w=10.0, recon_kl_cyc_w=0.01,
                  vgg_w=0.0, vgg_weights="imagenet")
    c.train.sample_every = 10000                # official image_save_iter
    return c
