"""CycleGAN as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.cyclegan.model import CycleGAN
from tf_i2i.models.spec import PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="cyclegan", title="CycleGAN (Zhu et al., ICCV 2017)", model_class=CycleGAN,
                 default_config=config_path("cyclegan"), translate=TranslateSpec(directions=("serve", "serve_b2a")),
                 converter="tf_i2i.convert.official_pix2pix:CYCLEGAN")
