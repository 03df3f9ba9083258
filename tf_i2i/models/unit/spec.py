"""UNIT as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.spec import PaperSpec, TranslateSpec, config_path
from tf_i2i.models.unit.model import UNIT

SPEC = PaperSpec(name="unit", title="UNIT (Liu et al., NeurIPS 2017)", model_class=UNIT,
                 default_config=config_path("unit"), translate=TranslateSpec(directions=("serve", "serve_b2a")),
                 converter="tf_i2i.convert.official_munit:UNIT_CONVERTER")
