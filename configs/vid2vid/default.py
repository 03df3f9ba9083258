"""vid2vid paper defaults (Wang et al. 2018; official options and scripts/street/train_512.sh: Cityscapes
label frames -> street video at 512x256, one spatial scale, foreground model on).

Epoch counts of the official options become steps. One step trains one chunk of a sequence (one new
frame per step, official max_frames_per_gpu 1); an official epoch visits each of the 2975 Cityscapes
training sequences once, and a 30-frame sequence gives 28 chunks (its frames after the first
n_frames_G - 1). Fields the model and the data pipeline both need are one shared value (ml_collections
references), so an override of either name changes both.
"""

from tf_i2i.config_utils import load_sibling

SEQUENCES = 2975       # Cityscapes training sequences (30 frames each)
CHUNKS = 28            # chunks a 30-frame sequence gives at n_frames_G 3, one new frame per chunk
EPOCH = SEQUENCES * CHUNKS


def get_config():
    c = load_sibling(__file__, "../base.py")
    m, d, v = c.model, c.data, c.data.video
    m.name = "vid2vid"
    d.layout = "video"
    d.num_classes = 35                    # Cityscapes labelIds (official label_nc)
    d.use_instance = True
    v.n_frames_G = 3                      # label frames (and n_frames_G - 1 previous frames) per generated frame
    v.n_frames_D = 3                      # frames per temporal discriminator
    v.n_scales_temporal = 2               # temporal discriminators, frames 1, 3, ... apart
    v.n_frames_total = 30                 # frames of a sequence trained at the start (official default)
    v.max_frames_per_step = 1             # new frames per chunk (official max_frames_per_gpu)
    v.max_t_step = 1                      # frames may be skipped up to this stride
    v.niter_step = 5 * EPOCH              # the trained sequence length doubles after this many steps
    v.flow = "dis"                        # reference flow: OpenCV DIS (docs/models/vid2vid.md), "files" or "none"
    m.label_nc = d.get_ref("num_classes")
    m.input_nc = d.get_ref("a_channels")
    m.output_nc = d.get_ref("b_channels")
    m.use_instance = d.get_ref("use_instance")
    m.n_frames_G = v.get_ref("n_frames_G")
    m.n_frames_D = v.get_ref("n_frames_D")
    m.n_scales_temporal = v.get_ref("n_scales_temporal")
    m.align_corners = True                # the warp's pixel grid (FlowWarp): as the official code was written
    m.generator = dict(ngf=128, n_downsample_G=3, n_blocks=9, n_blocks_local=3, norm="batch",
                       n_scales_spatial=1,           # coarse-to-fine scales (2-3 with load_pretrain of a coarser run)
                       fg=True, fg_labels=[26],      # foreground model for cars (Cityscapes id 26)
                       no_flow=False, no_first_img=False)
    m.discriminator = dict(ndf=64, n_layers_D=3, num_D=2, norm="batch")
    m.loss = dict(gan_mode="lsgan", gan_feat_loss=True, lambda_feat=10.0, vgg_loss=True, vgg_weights="imagenet",
                  lambda_T=10.0, lambda_F=10.0)

    t = c.train
    t.niter_fix_global = 0    # finer-scale runs: steps that train only the finest scale before all join
    t.load_pretrain = ""      # workdir of the coarser run whose G0.., D and D_T start this run
    m.niter_fix_global = t.get_ref("niter_fix_global")
    m.load_pretrain = t.get_ref("load_pretrain")
    t.batch_size = 1
    t.num_steps = 20 * EPOCH  # niter 10 + niter_decay 10
    t.log_every = 100
    t.sample_every = 1000
    t.checkpoint_every = 1000

    c.optim.g_lr = c.optim.d_lr = 2e-4
    c.optim.beta1, c.optim.beta2 = 0.5, 0.999
    c.optim.schedule = "linear"
    c.optim.constant_steps = 10 * EPOCH
    c.optim.decay_steps = 10 * EPOCH

    d.preprocess = "scale_width"          # official resize_or_crop scaleWidth, loadSize 512: 2048x1024 -> 512x256
    d.load_size = 512
    d.crop_size = 512
    d.flip = True
    c.export.height = 256
    c.export.width = 512
    return c
