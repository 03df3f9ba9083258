"""SPADE configs load, carry the official values (TTUR, hinge, spectral norms, per-data-set options),
keep model and data fields in step, and yield the batches SPADE needs; COCO-Stuff on its real samples."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.data import build_dataset
from tf_i2i.data.config import check_data_config
from tf_i2i.data.synthetic_scene import NUM_CLASSES
from tf_i2i.training.schedules import make_optimizers

COCO_EPOCH = 118287 // 32


def _load(name: str):
    return load_config_file(CONFIG_DIR / "spade" / f"{name}.py")


@pytest.fixture
def coco():
    return _load("coco_stuff")


def test_coco_stuff_has_the_paper_values(coco):
    c = coco
    m = c.model
    assert m.name == "spade"
    assert (m.label_nc, m.dontcare_label, m.use_instance, m.output_nc) == (182, 255, True, 3)
    assert m.generator.to_dict() == dict(ngf=64, norm_G="spectralspadesyncbatch3x3", num_upsampling_layers="normal",
                                         use_vae=False, z_dim=256, spade_hidden=128, aspect_ratio=1.0,
                                         crop_size=256)
    assert m.discriminator.to_dict() == dict(ndf=64, norm_D="spectralinstance", num_D=2, n_layers_D=4)
    assert m.encoder.to_dict() == dict(ngf=64, norm_E="spectralinstance")
    assert m.loss.to_dict() == dict(gan_mode="hinge", gan_feat_loss=True, lambda_feat=10.0, vgg_loss=True,
                                    lambda_vgg=10.0, vgg_weights="imagenet", lambda_kld=0.05)
    assert (c.optim.g_lr, c.optim.d_lr, c.optim.beta1, c.optim.beta2) == (1e-4, 4e-4, 0.0, 0.9)
    assert (c.optim.schedule, c.optim.constant_steps, c.optim.decay_steps) == ("linear", 50 * COCO_EPOCH,
                                                                               50 * COCO_EPOCH)
    assert (c.train.num_steps, c.train.batch_size) == (100 * COCO_EPOCH, 32)
    d = c.data
    assert (d.source, d.layout, d.num_classes, d.dontcare_label, d.use_instance) == (
        "datasets/coco_stuff", "labels", 182, 255, True)
    assert (d.preprocess, d.load_size, d.crop_size, d.flip) == ("resize_and_crop", 286, 256, True)
    assert (c.export.height, c.export.width) == (256, 256)
    check_data_config(d)


def test_default_is_coco_stuff_without_a_data_folder(coco):
    default = _load("default")
    assert default.data.source == "synthetic"
    default.data.source = coco.data.source
    assert default.to_dict() == coco.to_dict()


def test_ade20k_and_cityscapes_options():
    ade = _load("ade20k")
    assert (ade.data.layout, ade.data.num_classes, ade.data.dontcare_label, ade.data.use_instance) == (
        "ade20k", 150, 255, False)
    assert (ade.model.label_nc, ade.model.use_instance, ade.data.crop_size) == (150, False, 256)
    assert ade.optim.constant_steps + ade.optim.decay_steps == ade.train.num_steps == 200 * (20210 // 32)
    city = _load("cityscapes")
    g = city.model.generator
    assert (city.data.layout, city.model.label_nc, city.model.dontcare_label, city.model.use_instance) == (
        "cityscapes", 35, -1, True)
    assert (city.data.preprocess, g.crop_size, g.aspect_ratio, g.num_upsampling_layers) == ("fixed", 512, 2.0, "more")
    assert (city.export.height, city.export.width, city.train.batch_size) == (256, 512, 16)
    latent_w = g.crop_size // 2**6  # "more": six upsamplings from an 8x4 grid to 512x256
    assert (latent_w, round(latent_w / g.aspect_ratio)) == (8, 4)
    for c in (ade, city):
        check_data_config(c.data)


def test_shared_fields_change_together(coco):
    c = coco
    c.data.num_classes = 20
    assert c.model.label_nc == 20
    c.data.dontcare_label = -1  # like --contain_dontcare_label off
    assert c.model.dontcare_label == -1
    c.model.use_instance = False  # --no_instance
    assert c.data.use_instance is False
    c.data.crop_size, c.data.aspect_ratio = 128, 2.0
    assert (c.model.generator.crop_size, c.model.generator.aspect_ratio) == (128, 2.0)
    c.model.generator.ngf = 32
    assert c.model.encoder.ngf == 32


def test_ttur_optimizers_decay_linearly_together(coco):
    g_opt, d_opt = make_optimizers(coco.optim)
    niter, niter_decay = coco.optim.constant_steps, coco.optim.decay_steps
    for opt, base in ((g_opt, 1e-4), (d_opt, 4e-4)):
        assert (opt.beta_1, opt.beta_2) == (0.0, 0.9)
        opt.build([tf.Variable(np.zeros(2, "float32"))])
        for step, factor in ((0, 1.0), (niter, 1.0), (niter + niter_decay // 2, 0.5), (niter + niter_decay, 0.0)):
            opt.iterations.assign(step)
            np.testing.assert_allclose(float(opt.learning_rate), base * factor, rtol=1e-3, atol=1e-12)


def test_coco_stuff_config_reads_the_real_samples(coco, shared_dir):
    root = shared_dir / "data/SPADE/datasets/coco_stuff"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    coco.data.source = str(root)
    batch = next(iter(build_dataset(coco.data, batch_size=2, seed=0)))
    assert set(batch) == {"label", "instance", "image"}
    assert batch["label"].shape == batch["instance"].shape == (2, 256, 256, 1)
    assert batch["image"].shape == (2, 256, 256, 3)
    assert int(tf.reduce_max(batch["label"])) <= 182  # 182 = the unlabeled class (stored 255)
    val = next(iter(build_dataset(coco.data, split="val", batch_size=1, seed=0)))
    assert val["label"].shape == (1, 256, 256, 1)


def test_synthetic_is_small_multimodal_and_yields_spade_batches():
    c = _load("synthetic")
    m = c.model
    assert m.name == "spade" and m.label_nc == c.data.num_classes == NUM_CLASSES and m.dontcare_label == -1
    assert m.generator.use_vae and m.generator.ngf <= 16 and m.discriminator.ndf <= 16 and m.encoder.ngf <= 16
    assert m.loss.vgg_loss is False and m.loss.vgg_weights == "random"
    assert c.data.crop_size == m.generator.crop_size == 64 and c.train.num_steps <= 2000
    assert c.data.crop_size % 2**5 == 0  # "normal": five upsamplings from a 2x2 grid
    c.data.synthetic.num_images = 4
    batch = next(iter(build_dataset(c.data, batch_size=c.train.batch_size, seed=0)))
    b = c.train.batch_size
    assert batch["label"].shape == batch["instance"].shape == (b, 64, 64, 1)
    assert batch["image"].shape == (b, 64, 64, 3) and batch["image"].dtype == tf.float32
    assert int(tf.reduce_max(batch["label"])) < NUM_CLASSES
