"""INIT as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.init.model import INIT
from tf_i2i.models.spec import PaperSpec, config_path

SPEC = PaperSpec(name="init", title="INIT (Shen et al., CVPR 2019)", model_class=INIT,
                 default_config=config_path("init"))
