"""pix2pixHD as the tools see it (tf_i2i.models.spec)."""

from tf_i2i.models.pix2pixhd.endpoints import FEATURES_ENDPOINT
from tf_i2i.models.pix2pixhd.model import Pix2PixHD
from tf_i2i.models.spec import CLUSTERS, LABELS, VARIANTS, PaperSpec, TranslateSpec, config_path

SPEC = PaperSpec(name="pix2pixhd", title="pix2pixHD (Wang et al., CVPR 2018)", model_class=Pix2PixHD,
                 default_config=config_path("pix2pixhd"),
                 translate=TranslateSpec(inputs=LABELS, modes=(CLUSTERS, VARIANTS),
                                         features_endpoint=FEATURES_ENDPOINT),
                 converter="tf_i2i.convert.official_pix2pixhd:CONVERTER")
