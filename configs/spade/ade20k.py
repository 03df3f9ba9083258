"""SPADE on ADE20K at 256x256 (official dataset_mode ade20k): 150 classes, stored id 0 (unlabeled)
becomes the dontcare class, no instance maps. data.source is the ADEChallengeData2016 folder
(images/training/*.jpg, annotations/training/*.png; split "val" reads */validation).

The paper trains 200 epochs (20210 images / batch 32 each); we keep the rate for 100 and decay it
over 100.
"""

from tf_i2i.config_utils import load_sibling

EPOCH = 20210 // 32  # steps per epoch: ADE20K train images / batch size


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/ADEChallengeData2016"
    c.data.layout = "ade20k"
    c.data.num_classes = 150
    c.data.dontcare_label = 255           # the layout turns stored 0 into 255 (official: label - 1, -1 -> label_nc)
    c.data.use_instance = False           # official no_instance
    c.train.num_steps = 200 * EPOCH
    c.optim.constant_steps = 100 * EPOCH
    c.optim.decay_steps = 100 * EPOCH
    return c
