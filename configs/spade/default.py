"""SPADE / GauGAN paper defaults (Park et al. 2019; the official options, whose default data set is
COCO-Stuff at 256x256).

Epoch counts become steps: one epoch = COCO-Stuff's 118287 train images / batch size 32 (the paper's
batch on 8 GPUs; the official code's own default is 1). The paper trains COCO-Stuff 100 epochs; the
official options keep the rate for `niter` epochs and then decay it linearly to zero over
`niter_decay` (defaults 50 and 0), and we split the 100 epochs 50 + 50. TTUR (official default,
--no_TTUR off): G at lr/2 = 1e-4, D at 2 lr = 4e-4, Adam betas (0, 0.9), both decayed together.
Fields the model and the data pipeline both need are one shared value (ml_collections
references), so an override of either name changes both.
"""

from tf_i2i.config_utils import load_sibling

EPOCH = 118287 // 32  # steps per epoch: COCO-Stuff train images / batch size


def get_config():
    c = load_sibling(__file__, "../base.py")
    m = c.model
    m.name = "spade"
    c.data.layout = "labels"
    c.data.num_classes = 182              # COCO-Stuff ids 0..181 (official label_nc)
    c.data.dontcare_label = 255           # official contain_dontcare_label: 255 -> class 182, an extra channel
    c.data.use_instance = True            # official --no_instance off: COCO-Stuff's train_inst/ boundaries
    c.data.preprocess = "resize_and_crop"
    c.data.load_size = 286
    c.data.crop_size = 256
    c.data.aspect_ratio = 1.0
    c.data.flip = True
    m.label_nc = c.data.get_ref("num_classes")
    m.dontcare_label = c.data.get_ref("dontcare_label")  # contain_dontcare_label = dontcare_label >= 0
    m.use_instance = c.data.get_ref("use_instance")      # official --no_instance, inverted
    m.output_nc = c.data.get_ref("b_channels")
    m.generator = dict(
        ngf=64,
        norm_G="spectralspadesyncbatch3x3",
        num_upsampling_layers="normal",   # normal | more | most: 5, 6 or 7 upsamplings from the latent grid
        use_vae=False,                    # True: image encoder + KL loss, the paper's multimodal model
        z_dim=256,
        spade_hidden=128,                 # hidden channels of every SPADE's shared conv (official nhidden)
        aspect_ratio=c.data.get_ref("aspect_ratio"),  # latent grid: crop_size / 2**ups wide, / aspect_ratio high
        crop_size=c.data.get_ref("crop_size"),
    )
    m.discriminator = dict(ndf=64, norm_D="spectralinstance", num_D=2, n_layers_D=4)
    m.encoder = dict(ngf=m.generator.get_ref("ngf"), norm_E="spectralinstance")  # official E is as wide as G
    m.loss = dict(
        gan_mode="hinge",                 # official --gan_mode; ls = "lsgan", original = "vanilla"
        gan_feat_loss=True,               # official --no_ganFeat_loss = False
        lambda_feat=10.0,
        vgg_loss=True,                    # official --no_vgg_loss = False
        lambda_vgg=10.0,
        vgg_weights="imagenet",           # "imagenet" (cached Keras file), a weights file path, or "random"
        lambda_kld=0.05,                  # only with generator.use_vae
    )

    t = c.train
    t.batch_size = 32
    t.num_steps = 100 * EPOCH
    t.log_every = 100                     # official print_freq
    t.sample_every = 1000
    t.checkpoint_every = 5000             # official save_latest_freq

    c.optim.g_lr, c.optim.d_lr = 1e-4, 4e-4
    c.optim.beta1, c.optim.beta2 = 0.0, 0.9
    c.optim.schedule = "linear"
    c.optim.constant_steps = 50 * EPOCH   # niter
    c.optim.decay_steps = 50 * EPOCH      # niter_decay

    c.export.height = 256
    c.export.width = 256
    return c
