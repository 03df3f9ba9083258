"""vid2vid edges -> video on your own clips: the input frames are Canny edge maps of the real frames
(computed on the fly, no label maps needed), read from video files or frame folders under
<source>/train_B/ (docs/datasets.md). Narrow networks on 128x128 crops of the clips scaled to a
144 px shorter side, so a few hundred steps run on a CPU in minutes:

  python tools/train.py --config=configs/vid2vid/edges.py --config.data.source=/data/clips --workdir=runs/edges
"""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "synthetic.py")
    m, d, v = c.model, c.data, c.data.video
    d.source = ""                  # a folder with train_B/<clip>.mp4 (or frame folders): give --config.data.source
    d.num_classes = 0              # the input is a picture (the edge map), not class ids
    d.a_channels = 1
    d.use_instance = False
    v.edges = "canny"
    v.n_frames_total = 8
    v.niter_step = 0
    m.generator.fg = False         # no classes to pick foreground objects from
    d.preprocess = "scale_shorter_side_and_crop"
    d.load_size = 144
    d.crop_size = 128
    c.export.height = c.export.width = 128
    return c
