"""INIT day -> night_instances on the built-in synthetic street scenes with the boxes of their cars,
people and signs: a night whose objects change on their own (each car its tint and lights, each person
their clothing, each sign its glint) while sky and road change per picture, so per-object styles show.
Small enough for a CPU in minutes: MUNIT's synthetic settings (narrow networks, batch 1, the explicit
cycle), 32 px object crops, at most 4 boxes per picture (the largest)."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.generator.update(dim=16, mlp_dim=64, n_res=2)
    c.model.discriminator.update(dim=16, n_layer=3, num_scales=2)
    c.model.object_discriminator.update(num_scales=1)
    c.model.instance.crop_size = 32
    use_small_synthetic_run(c, num_steps=1800, batch_size=1)
    c.data.preprocess = "resize_and_crop"
    c.data.boxes.max_boxes = 4
    c.data.synthetic.signs = True
    c.data.synthetic.looks = ("day", "night_instances")
    c.optim.step_size = c.train.num_steps * 2 // 3
    return c
