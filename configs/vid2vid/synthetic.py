"""vid2vid on the built-in synthetic street video (label ids + instances -> frames, a moving camera and
cars at their own speeds), small enough to train on a CPU in minutes: 64x128 frames, narrow networks,
sequences of 8 frames doubling to 16 halfway. The VGG loss is off (VGG19 would cost more than the
networks here, and uncached it is only random); the flow teacher is OpenCV's DIS, as on real data.
"""

from tf_i2i.config_utils import load_sibling
from tf_i2i.data.synthetic_street import CAR, NUM_CLASSES, PERSON

STEPS = 3000


def get_config():
    c = load_sibling(__file__)
    m, d, v = c.model, c.data, c.data.video
    m.generator.update(ngf=16, n_downsample_G=3, n_blocks=4, fg_labels=[CAR, PERSON])
    m.discriminator.update(ndf=16, n_layers_D=2, num_D=2)
    m.loss.vgg_loss = False
    m.loss.vgg_weights = "random"
    d.source = "synthetic"
    d.num_classes = NUM_CLASSES
    d.use_instance = True
    d.preprocess = "none"
    d.flip = True
    v.synthetic.update(num_sequences=32, n_frames=30, image_size=(64, 128))
    v.n_frames_total = 8
    v.niter_step = STEPS // 2
    c.train.batch_size = 1
    c.train.num_steps = STEPS
    c.train.log_every = 50
    c.train.sample_every = c.train.checkpoint_every = STEPS // 6
    c.optim.constant_steps = STEPS * 2 // 3
    c.optim.decay_steps = STEPS - STEPS * 2 // 3
    c.export.height, c.export.width = 64, 128
    return c
