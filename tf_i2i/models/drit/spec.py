"""DRIT / DRIT++ as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.drit.endpoints import CODE_ENDPOINT
from tf_i2i.models.drit.model import DRIT
from tf_i2i.models.spec import INTERPOLATE, STYLE, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="drit", title="DRIT / DRIT++ (Lee et al., ECCV 2018 / IJCV 2020)", model_class=DRIT,
                 default_config=config_path("drit"),
                 translate=TranslateSpec(modes=(VARIANTS, STYLE, INTERPOLATE), directions=("serve", "serve_b2a"),
                                         code_endpoint=CODE_ENDPOINT),
                 converter="tf_i2i.convert.official_drit:DRIT_CONVERTER")
