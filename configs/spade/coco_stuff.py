"""SPADE on COCO-Stuff at 256x256 (the paper's defaults; official dataset_mode coco).

data.source holds the official layout: train_label/ (ids 0..181, 255 = unlabeled), train_inst/
(instance boundaries' source maps) and train_img/ (photos), and val_* for split="val" (the
official test phase reads val). The optional *_portrait folders of the official loader are not read.
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/coco_stuff"  # official dataroot layout
    return c
