"""INIT as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.init.endpoints import INSTANCE_CODES_ENDPOINT, INSTANCES_ENDPOINT
from tf_i2i.models.init.model import INIT
from tf_i2i.models.munit.endpoints import CODE_ENDPOINT
from tf_i2i.models.spec import BOXES, INTERPOLATE, STYLE, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="init", title="INIT (Shen et al., CVPR 2019)", model_class=INIT,
                 default_config=config_path("init"),
                 translate=TranslateSpec(modes=(VARIANTS, STYLE, INTERPOLATE, BOXES), directions=("serve", "serve_b2a"),
                                         code_endpoint=CODE_ENDPOINT, instances_endpoint=INSTANCES_ENDPOINT,
                                         instance_codes_endpoint=INSTANCE_CODES_ENDPOINT))
