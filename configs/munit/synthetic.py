"""MUNIT day <-> night on the built-in synthetic scenes (64 px crops), small enough for a CPU in minutes:
narrower and shallower networks than the official ones, the official optimiser and batch (1, also the
fastest per image here) and the official losses with the explicit cycle term on (recon_x_cyc_w 10, as
the official street-scene config synthia2cityscape uses it): in a run this short it is what keeps the
scene layout in the translations. Random styles stay less faithful than a reference's style: the style
encoder's codes of real images are still far narrower than N(0, I) after a few thousand steps."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.generator.update(dim=16, mlp_dim=64, n_res=2)
    c.model.discriminator.update(dim=16, n_layer=3, num_scales=2)
    c.model.loss.recon_x_cyc_w = 10.0
    use_small_synthetic_run(c, num_steps=2400, batch_size=1)
    c.data.preprocess = "resize_and_crop"
    c.optim.step_size = c.train.num_steps * 2 // 3  # halve the rate for the last third
    return c
