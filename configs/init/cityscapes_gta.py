"""INIT between Cityscapes photos (domain A, boxes of cars and people from their gtFine instance-id
maps) and GTA frames (domain B, without boxes), the paper-default networks. Lay the folder out as
docs/models/init.md#real-street-photos shows and pass it with --config.data.source=<folder>.

The GTA side has no boxes (data.boxes.unboxed_domains): the crop discriminators then never train and
the crop GAN terms are off; Cityscapes objects still learn their codes through the reconstruction, code
and cycle terms."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    d = c.data
    d.source = "datasets/cityscapes_gta"
    d.boxes.format = "instance"  # trainA_boxes/<city>_<seq>_<frame>_gtFine_instanceIds.png
    d.boxes.unboxed_domains = (1,)
    d.preprocess = "scale_shorter_side_and_crop"
    d.load_size = 256
    d.crop_size = 256
    return c
