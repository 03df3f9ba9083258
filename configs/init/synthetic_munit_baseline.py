"""The global-only baseline of INIT's evidence (docs/models/init.md#measured): MUNIT with its synthetic
settings (configs/munit/synthetic.py: the same narrow networks, batch and schedule as
configs/init/synthetic.py) trained on INIT's synthetic data (day -> night_instances, with boxes, which
MUNIT ignores) for the same steps."""

from tf_i2i.config_utils import CONFIG_DIR, load_config_file, load_sibling


def get_config():
    c = load_config_file(CONFIG_DIR / "munit" / "synthetic.py")
    init = load_sibling(__file__, "synthetic.py")
    c.data = init.data
    c.train.update(num_steps=init.train.num_steps, sample_every=init.train.sample_every,
                   checkpoint_every=init.train.checkpoint_every)
    c.optim.update(constant_steps=init.optim.constant_steps, decay_steps=init.optim.decay_steps,
                   step_size=init.optim.step_size)
    return c
