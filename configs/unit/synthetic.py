"""UNIT day <-> night on the built-in synthetic scenes (64 px crops), small enough for a CPU in minutes:
narrower and shallower networks than the official ones, the official losses, and the official
optimiser at twice its rate (1000 steps are a short run), halved for the last third."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.generator.update(dim=16, n_res=2)
    c.model.discriminator.update(dim=16, n_layer=3, num_scales=2)
    use_small_synthetic_run(c, num_steps=1000)
    c.data.preprocess = "resize_and_crop"  # square scenes: the same as the official resize + crop
    c.optim.g_lr = c.optim.d_lr = 2e-4
    c.optim.step_size = c.train.num_steps * 2 // 3
    return c
