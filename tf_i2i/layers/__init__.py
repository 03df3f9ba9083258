"""Custom Keras layers: each serializable (get_config), mixed-precision safe and TFLite-builtin friendly."""

from tf_i2i.layers.adain import AdaIN
from tf_i2i.layers.activations import LeakyReLU, make_activation
from tf_i2i.layers.boxes import box_masks, crop_objects
from tf_i2i.layers.conv2d import Conv2D
from tf_i2i.layers.conv_block import ConvBlock
from tf_i2i.layers.flow_warp import FlowWarp, warp
from tf_i2i.layers.image_pool import ImagePool
from tf_i2i.layers.instance_maps import InstanceAveragePool, InstanceBoundary
from tf_i2i.layers.normalization import (InstanceNorm, LayerNorm, TorchLayerNorm, TrackedInstanceNorm, batch_norm,
                                         make_norm)
from tf_i2i.layers.padding import Pad2D
from tf_i2i.layers.pooling import AvgPoolExcludePad
from tf_i2i.layers.region_adain import box_regions, region_values
from tf_i2i.layers.region_norm import region_normalize
from tf_i2i.layers.resize import Resize, resize_images
from tf_i2i.layers.spade import SPADE, parse_spade_norm
from tf_i2i.layers.spectral_norm import SpectralNorm

__all__ = [
    "AdaIN", "AvgPoolExcludePad", "Conv2D", "ConvBlock", "FlowWarp", "ImagePool", "InstanceAveragePool",
    "InstanceBoundary", "InstanceNorm", "LayerNorm", "LeakyReLU", "Pad2D", "Resize", "SPADE", "SpectralNorm",
    "TorchLayerNorm", "TrackedInstanceNorm", "batch_norm", "box_masks", "box_regions", "crop_objects",
    "make_activation", "make_norm", "parse_spade_norm", "region_normalize", "region_values", "resize_images", "warp",
]
