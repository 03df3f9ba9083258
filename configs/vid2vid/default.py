"""vid2vid paper defaults (official options) — a minimal stand-in that lets the registry, export and
translate tools build the model; the full config (data pipeline, training schedule) replaces it."""

import ml_collections

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "vid2vid"
    c.data.num_classes = 0                # official --label_nc 0: RGB (or edge) input frames
    c.data.video = ml_collections.ConfigDict(dict(n_frames_G=3, edges="", canny_low=100, canny_high=200))
    m.label_nc = c.data.get_ref("num_classes")
    m.input_nc = c.data.get_ref("a_channels")
    m.output_nc = c.data.get_ref("b_channels")
    m.use_instance = c.data.get_ref("use_instance")
    m.n_frames_G = c.data.video.get_ref("n_frames_G")
    m.n_frames_D = 3
    m.n_scales_temporal = 2
    m.align_corners = True
    m.niter_fix_global = 0
    m.load_pretrain = ""
    m.generator = dict(ngf=128, n_downsample_G=3, n_blocks=9, n_blocks_local=3, norm="batch", n_scales_spatial=1,
                       fg=False, fg_labels=[26], no_flow=False, no_first_img=False)
    m.discriminator = dict(ndf=64, n_layers_D=3, num_D=2, norm="batch")
    m.loss = dict(gan_mode="lsgan", gan_feat_loss=True, lambda_feat=10.0, vgg_loss=True, vgg_weights="imagenet",
                  lambda_T=10.0, lambda_F=10.0)
    return c
