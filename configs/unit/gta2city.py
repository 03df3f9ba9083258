"""UNIT on GTA5 -> Cityscapes at 256x256 (official configs/unit_gta2city_folder.yaml, the data set of
the released pretrained model): the defaults plus the domain-invariant perceptual loss (vgg_w 1,
VGG16 ImageNet weights from the Keras cache) and a log line every step.

data.source is the official data_root, holding trainA/ (GTA5 frames) and trainB/ (Cityscapes photos).
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/gta2city"  # official data_root
    c.model.loss.vgg_w = 1.0
    c.train.log_every = 1                # official log_iter
    return c
