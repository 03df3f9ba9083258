"""pix2pixHD paper defaults (Wang et al. 2018; official options, which are its Cityscapes 1024x512 global stage).

Epoch counts of the official options become steps: one epoch = 2975 steps (the Cityscapes train
images at batch size 1). Fields the model and the data pipeline (or the loop) both need are one
shared value (ml_collections references), so an override of either name changes both.
"""

from tf_i2i.config_utils import load_sibling

EPOCH = 2975  # steps per epoch: Cityscapes train images / batch size 1


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "pix2pixhd"
    c.data.layout = "labels"
    c.data.num_classes = 35               # Cityscapes labelIds (official label_nc)
    c.data.use_instance = True            # official default: instance boundary map as extra input
    m.label_nc = c.data.get_ref("num_classes")        # 0 = the label folder holds RGB pictures
    m.input_nc = c.data.get_ref("a_channels")         # channels of those pictures (label_nc 0 only)
    m.output_nc = c.data.get_ref("b_channels")
    m.use_instance = c.data.get_ref("use_instance")   # official --no_instance, inverted
    m.pool_size = 0                       # fake image pool of D (official default: none)
    m.generator = dict(ngf=64, n_downsample_global=4, n_blocks_global=9, n_local_enhancers=1,
                       n_blocks_local=3, norm="instance")
    m.discriminator = dict(ndf=64, n_layers_D=3, num_D=2, norm="instance")
    # Instance-wise feature encoder E (the paper's full model; the official train_512p_feat script).
    m.encoder = dict(instance_feat=True, label_feat=False, feat_num=3, nef=16, n_downsample_E=4, n_clusters=10)
    m.loss = dict(
        gan_mode="lsgan",                 # official --no_lsgan = "vanilla"
        gan_feat_loss=True,               # official --no_ganFeat_loss = False
        lambda_feat=10.0,
        vgg_loss=True,                    # official --no_vgg_loss = False
        lambda_vgg=10.0,                  # the official code reuses lambda_feat here
        vgg_weights="imagenet",           # "imagenet" (cached Keras file), a weights file path, or "random"
    )

    t = c.train
    t.stage = "global"        # "global": G1 alone at half resolution; "local": G2 around a trained G1
    t.niter_fix_global = 0    # local stage: steps that train only the local enhancer before G1 joins
    t.load_pretrain = ""      # local stage: workdir of the global stage whose generator becomes this run's G1
    m.stage = t.get_ref("stage")
    m.niter_fix_global = t.get_ref("niter_fix_global")
    m.load_pretrain = t.get_ref("load_pretrain")
    t.batch_size = 1
    t.num_steps = 200 * EPOCH
    t.log_every = 100         # official print_freq
    t.sample_every = 1000
    t.checkpoint_every = 1000  # official save_latest_freq

    c.optim.g_lr = c.optim.d_lr = 2e-4
    c.optim.beta1, c.optim.beta2 = 0.5, 0.999
    c.optim.schedule = "linear"
    c.optim.constant_steps = 100 * EPOCH  # niter
    c.optim.decay_steps = 100 * EPOCH     # niter_decay

    c.data.preprocess = "scale_width"     # 2048x1024 -> 1024x512 (official loadSize 1024; fineSize 512 unused)
    c.data.load_size = 1024
    c.data.crop_size = 512
    c.data.flip = True
    c.export.height = 512
    c.export.width = 1024
    return c
