"""SPADE (GauGAN) as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.spade.endpoints import CODE_ENDPOINT
from tf_i2i.models.spade.model import SPADE
from tf_i2i.models.spec import INTERPOLATE, LABELS, STYLE, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="spade", title="SPADE / GauGAN (Park et al., CVPR 2019)", model_class=SPADE,
                 default_config=config_path("spade"),
                 translate=TranslateSpec(inputs=LABELS, modes=(VARIANTS, STYLE, INTERPOLATE),
                                         code_endpoint=CODE_ENDPOINT),
                 converter="tf_i2i.convert.official_spade:CONVERTER")
