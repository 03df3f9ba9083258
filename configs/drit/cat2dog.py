"""DRIT++ cat <-> dog (the official repo's own data set: 871 cats, 1364 dogs, so 227 steps per
epoch): --concat 0, the official advice for translations that change shapes."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.model.concat = 0
    c.train.num_steps = 1200 * 227
    c.optim.constant_steps = c.optim.decay_steps = 600 * 227
    c.train.sample_every = c.train.checkpoint_every = 5 * 227
    return c
