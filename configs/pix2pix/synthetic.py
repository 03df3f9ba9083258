"""pix2pix on the built-in synthetic scenes (label colours -> photo), small enough for a CPU in minutes."""

from tf_i2i.config_utils import load_sibling, use_small_synthetic_run


def get_config():
    c = load_sibling(__file__)
    c.model.generator.netG = "unet_6downs"   # 64 px -> 1 px at the bottleneck
    c.model.generator.ngf = 32
    c.model.discriminator.ndf = 32
    use_small_synthetic_run(c)
    c.data.layout = "aligned"
    c.export.tflite = "float32,float16,int8"
    return c
