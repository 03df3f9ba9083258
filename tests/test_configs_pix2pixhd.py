"""pix2pixHD configs load, carry the paper's values, keep model and data fields in step, and the
synthetic one yields small label/instance/photo batches."""

from __future__ import annotations

import pytest
import tensorflow as tf

from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.data import build_dataset
from tf_i2i.data.config import check_data_config
from tf_i2i.data.synthetic_scene import NUM_CLASSES

EPOCH = 2975  # Cityscapes train images: one official epoch at batch size 1


@pytest.fixture
def cityscapes():
    return load_config_file(CONFIG_DIR / "pix2pixhd" / "cityscapes.py")


def test_cityscapes_has_the_paper_values(cityscapes):
    c = cityscapes
    m = c.model
    assert m.name == "pix2pixhd"
    assert (m.label_nc, m.input_nc, m.output_nc, m.use_instance, m.pool_size) == (35, 3, 3, True, 0)
    assert m.generator.to_dict() == dict(ngf=64, n_downsample_global=4, n_blocks_global=9, n_local_enhancers=1,
                                         n_blocks_local=3, norm="instance")
    assert m.discriminator.to_dict() == dict(ndf=64, n_layers_D=3, num_D=2, norm="instance")
    assert m.encoder.to_dict() == dict(instance_feat=True, label_feat=False, feat_num=3, nef=16,
                                       n_downsample_E=4, n_clusters=10)
    assert m.loss.to_dict() == dict(gan_mode="lsgan", gan_feat_loss=True, lambda_feat=10.0, vgg_loss=True,
                                    lambda_vgg=10.0, vgg_weights="imagenet")
    assert (c.optim.g_lr, c.optim.d_lr, c.optim.beta1, c.optim.beta2) == (2e-4, 2e-4, 0.5, 0.999)
    assert (c.optim.schedule, c.optim.constant_steps, c.optim.decay_steps) == ("linear", 100 * EPOCH, 100 * EPOCH)
    assert (c.train.num_steps, c.train.batch_size) == (200 * EPOCH, 1)
    assert (c.train.stage, c.train.niter_fix_global, c.train.load_pretrain) == ("global", 0, "")
    d = c.data
    assert (d.source, d.layout, d.num_classes, d.use_instance) == ("datasets/cityscapes", "labels", 35, True)
    assert (d.preprocess, d.load_size, d.crop_size, d.flip) == ("scale_width", 1024, 512, True)
    assert (c.export.height, c.export.width) == (512, 1024)
    check_data_config(d)


def test_default_is_cityscapes_without_a_data_folder(cityscapes):
    default = load_config_file(CONFIG_DIR / "pix2pixhd" / "default.py")
    assert default.data.source == "synthetic"
    default.data.source = cityscapes.data.source
    assert default.to_dict() == cityscapes.to_dict()


def test_shared_fields_change_together(cityscapes):
    c = cityscapes
    c.model.label_nc = 0  # e.g. --config.model.label_nc=0: RGB label pictures
    assert c.data.num_classes == 0
    c.data.use_instance = False  # --no_instance
    assert c.model.use_instance is False
    c.train.stage, c.train.niter_fix_global = "local", 10 * EPOCH
    assert (c.model.stage, c.model.niter_fix_global) == ("local", 10 * EPOCH)
    c.data.b_channels = 1
    assert c.model.output_nc == 1


def test_synthetic_is_small_and_yields_pix2pixhd_batches():
    c = load_config_file(CONFIG_DIR / "pix2pixhd" / "synthetic.py")
    assert c.model.name == "pix2pixhd" and c.model.label_nc == c.data.num_classes == NUM_CLASSES
    assert c.model.generator.ngf <= 16 and c.model.discriminator.ndf <= 16 and c.model.encoder.nef <= 16
    assert c.model.loss.vgg_loss is False and c.model.loss.vgg_weights == "random"
    assert c.data.crop_size == 64 and c.train.num_steps <= 2000 and c.train.stage == "global"
    assert c.data.crop_size % 2 ** c.model.generator.n_downsample_global == 0
    c.data.synthetic.num_images = 4
    batch = next(iter(build_dataset(c.data, batch_size=c.train.batch_size, seed=0)))
    b = c.train.batch_size
    assert batch["label"].shape == (b, 64, 64, 1) and batch["label"].dtype == tf.int32
    assert batch["instance"].shape == (b, 64, 64, 1) and batch["instance"].dtype == tf.int32
    assert batch["image"].shape == (b, 64, 64, 3) and batch["image"].dtype == tf.float32
    assert int(tf.reduce_max(batch["label"])) < NUM_CLASSES
