"""Multi-domain DRIT++ over three synthetic looks (day, night, dusk) of the built-in street scenes,
small enough for a CPU: narrow networks (dim 8) on 64 px crops (MD_Dis's smallest), the official
losses, optimiser and batch of 2, no content discriminator (the official default)."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.dim = 8
    c.model.mlp_dim = 32
    use_small_synthetic_run(c, num_steps=3000, batch_size=2)
    c.train.log_every = 100
    return c
