"""Multi-domain DRIT++ (MDMM) as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.drit_md.endpoints import CODE_ENDPOINT
from tf_i2i.models.drit_md.model import MDMM
from tf_i2i.models.spec import DOMAIN, INTERPOLATE, STYLE, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="drit_md", title="Multi-domain DRIT++ / MDMM (Lee et al., IJCV 2020)", model_class=MDMM,
                 default_config=config_path("drit_md"),
                 translate=TranslateSpec(modes=(VARIANTS, STYLE, INTERPOLATE, DOMAIN), code_endpoint=CODE_ENDPOINT),
                 converter="tf_i2i.convert.official_drit:MDMM_CONVERTER")
