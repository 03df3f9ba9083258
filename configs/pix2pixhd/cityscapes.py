"""pix2pixHD on Cityscapes, global stage at 1024x512 (the paper's defaults, official label2city_512p).

data.source is the pix2pixHD layout: train_label/ (labelIds), train_inst/ (16-bit instanceIds),
train_img/ (leftImg8bit). The 2048x1024 local stage (official train_1024p_24G) starts from a
finished global run:

    --config.train.stage=local --config.train.load_pretrain=<global workdir>
    --config.model.generator.ngf=32 --config.model.discriminator.num_D=3
    --config.data.preprocess=none --config.train.niter_fix_global=29750 (10 epochs)
    --config.optim.constant_steps=148750 --config.optim.decay_steps=148750 --config.train.num_steps=297500
    --config.export.height=1024 --config.export.width=2048
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/cityscapes"  # official dataroot
    return c
