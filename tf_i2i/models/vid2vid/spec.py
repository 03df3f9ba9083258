"""vid2vid as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.spec import VIDEO, PaperSpec, TranslateSpec, config_path
from tf_i2i.models.vid2vid.model import Vid2Vid

SPEC = PaperSpec(name="vid2vid", title="vid2vid (Wang et al., NeurIPS 2018)", model_class=Vid2Vid,
                 default_config=config_path("vid2vid"), translate=TranslateSpec(inputs=VIDEO))
