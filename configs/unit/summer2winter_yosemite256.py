"""UNIT on Yosemite summer <-> winter at 256x256 (official configs/unit_summer2winter_yosemite256_folder.yaml,
the data set of the official demo training script; its options are the defaults).

data.source is the official data_root, holding trainA/ (summer) and trainB/ (winter) photos.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/summer2winter_yosemite256/summer2winter_yosemite"  # official data_root
    return c
