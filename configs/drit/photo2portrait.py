"""DRIT++ photo <-> portrait as the official README trains it: --concat 0 (feature-wise generator,
for translations that change shapes). 6452 CelebA photos make 1075 steps per epoch, so the
official 500000-iteration cap ends the run before epoch 600, where decay would start."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.model.concat = 0
    c.train.num_steps = 500000
    c.optim.constant_steps = c.optim.decay_steps = 600 * 1075
    c.train.sample_every = c.train.checkpoint_every = 5 * 1075
    return c
