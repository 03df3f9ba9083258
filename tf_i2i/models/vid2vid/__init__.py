"""vid2vid (Wang et al., NeurIPS 2018): networks.py holds the sequential flow-warping generators,
inputs.py the generator's label/frame encoding, temporal.py the temporal discriminators' inputs.
The image and temporal discriminators are the shared MultiscaleDiscriminator (tf_i2i.nets)."""

from tf_i2i.models.vid2vid.inputs import encode_label_frames, foreground_mask, stack_frames
from tf_i2i.models.vid2vid.networks import OUTPUTS, CompositeGenerator, CompositeLocalGenerator
from tf_i2i.models.vid2vid.temporal import temporal_discriminator_input, temporal_groups

__all__ = ["OUTPUTS", "CompositeGenerator", "CompositeLocalGenerator", "encode_label_frames", "foreground_mask",
           "stack_frames", "temporal_discriminator_input", "temporal_groups"]
