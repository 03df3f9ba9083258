"""configs/unit: the official yaml values (configs/unit_*_folder.yaml of mingyuliutw/UNIT), the
official data roots, and a synthetic config small enough for a CPU."""

from __future__ import annotations

from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.registry import default_config


def test_defaults_are_the_official_options():
    c = default_config("unit")
    m = c.model
    assert m.generator.to_dict() == dict(dim=64, n_downsample=2, n_res=4, activ="relu", pad_type="reflect", n_shared=0)
    assert m.discriminator.to_dict() == dict(dim=64, norm="none", activ="lrelu", n_layer=4, gan_type="lsgan",
                                             num_scales=3, pad_type="reflect")
    assert m.loss.to_dict() == dict(gan_w=1.0, recon_x_w=10.0, recon_kl_w=0.01, recon_x_cyc_w=10.0,
                                    recon_kl_cyc_w=0.01, vgg_w=0.0, vgg_weights="imagenet")
    assert (m.weight_decay, m.init, m.input_nc, m.output_nc) == (1e-4, "kaiming", 3, 3)
    o = c.optim
    assert (o.g_lr, o.d_lr, o.beta1, o.beta2, o.schedule, o.step_size, o.gamma) == (
        1e-4, 1e-4, 0.5, 0.999, "step", 100000, 0.5)
    assert (c.train.batch_size, c.train.num_steps, c.train.log_every, c.train.sample_every,
            c.train.checkpoint_every) == (1, 1000000, 10, 10000, 10000)
    d = c.data
    assert (d.layout, d.preprocess, d.load_size, d.crop_size, d.flip) == (
        "unpaired", "scale_shorter_side_and_crop", 256, 256, True)


def test_channel_counts_follow_the_data():
    c = default_config("unit")
    c.data.a_channels = 1
    assert (c.model.input_nc, c.model.output_nc) == (1, 3)


def test_data_set_configs_point_at_the_official_data_roots():
    s2w = load_config_file(CONFIG_DIR / "unit" / "summer2winter_yosemite256.py")
    assert s2w.data.source == "datasets/summer2winter_yosemite256/summer2winter_yosemite"
    assert s2w.model.loss.vgg_w == 0.0
    gta = load_config_file(CONFIG_DIR / "unit" / "gta2city.py")
    assert (gta.data.source, gta.model.loss.vgg_w, gta.train.log_every) == ("datasets/gta2city", 1.0, 1)


def test_synthetic_config_is_a_short_cpu_run():
    c = load_config_file(CONFIG_DIR / "unit" / "synthetic.py")
    assert c.model.name == "unit" and c.data.source == "synthetic" and c.data.crop_size == 64
    assert c.train.num_steps <= 2000 and c.model.generator.dim <= 16
    assert c.data.crop_size % 2 ** c.model.generator.n_downsample == 0
    assert c.optim.step_size < c.train.num_steps  # the rate still halves once within the run
