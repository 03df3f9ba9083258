"""Multi-domain DRIT++ (MDMM; Lee et al., IJCV 2020): one content space and one set of networks for N
domains, the domain given as a one-hot code. networks.py holds the networks, model.py the trainer."""

from tf_i2i.models.drit_md.model import MDMM
from tf_i2i.models.drit_md.networks import (MDAttributeEncoder, MDAttributeEncoderVAE, MDContentDiscriminator,
                                           MDDiscriminator, MDGenerator, MDGeneratorConcat, content_encoder)

__all__ = ["MDMM", "MDAttributeEncoder", "MDAttributeEncoderVAE", "MDContentDiscriminator", "MDDiscriminator",
           "MDGenerator", "MDGeneratorConcat", "content_encoder"]
