"""MUNIT as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.munit.endpoints import CODE_ENDPOINT
from tf_i2i.models.munit.model import MUNIT
from tf_i2i.models.spec import INTERPOLATE, STYLE, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="munit", title="MUNIT (Huang et al., ECCV 2018)", model_class=MUNIT,
                 default_config=config_path("munit"),
                 translate=TranslateSpec(modes=(VARIANTS, STYLE, INTERPOLATE), directions=("serve", "serve_b2a"),
                                         code_endpoint=CODE_ENDPOINT),
                 converter="tf_i2i.convert.official_munit:MUNIT_CONVERTER")
