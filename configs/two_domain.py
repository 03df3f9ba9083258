"""What MUNIT's and UNIT's official configs share (NVlabs/MUNIT, mingyuliutw/UNIT configs/*.yaml):
the MsImageDis options, the optimiser (Adam 1e-4, betas 0.5/0.999, weight decay 1e-4, lr x0.5 every
1e5 iterations), kaiming init, and the data loader (shorter side to new_size 256, random 256 crop,
random flip). configs/munit/default.py and configs/unit/default.py start from this.

model.input_nc / output_nc are the official input_dim_a / input_dim_b, shared with
data.a_channels / b_channels; model.init applies to the generators (discriminators are always
'gaussian'). Official iterations are our steps.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "base.py")
    m = c.model
    m.input_nc = c.data.get_ref("a_channels")   # official input_dim_a
    m.output_nc = c.data.get_ref("b_channels")  # official input_dim_b
    m.init = "kaiming"
    m.discriminator = dict(dim=64, norm="none", activ="lrelu", n_layer=4, gan_type="lsgan", num_scales=3,
                           pad_type="reflect")
    m.weight_decay = 1e-4

    d = c.data
    d.layout = "unpaired"
    d.preprocess = "scale_shorter_side_and_crop"
    d.load_size = 256                           # official new_size
    d.crop_size = 256                           # official crop_image_height / width
    d.flip = True

    o = c.optim
    o.g_lr = o.d_lr = 1e-4
    o.beta1, o.beta2 = 0.5, 0.999
    o.schedule = "step"                         # official lr_policy
    o.step_size = 100000
    o.gamma = 0.5

    t = c.train
    t.batch_size = 1
    t.num_steps = 1000000                       # official max_iter
    t.log_every = 10                            # official log_iter
    t.checkpoint_every = 10000                  # official snapshot_save_iter
    return c
