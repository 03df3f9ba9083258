"""pix2pix as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.pix2pix.model import Pix2Pix
from tf_i2i.models.spec import PaperSpec, config_path

SPEC = PaperSpec(name="pix2pix", title="pix2pix (Isola et al., CVPR 2017)", model_class=Pix2Pix,
                 default_config=config_path("pix2pix"), converter="tf_i2i.convert.official_pix2pix:PIX2PIX")
