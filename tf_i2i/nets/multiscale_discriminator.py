"""Multi-scale PatchGAN discriminator (pix2pixHD, Wang et al. 2018, Sec. 3.2), reused by SPADE and MUNIT."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers import AvgPoolExcludePad
from tf_i2i.nets.patchgan import NLayerDiscriminator


@keras.saving.register_keras_serializable(package="tf_i2i")
class MultiscaleDiscriminator(keras.Model):
    """num_D identical-architecture PatchGANs; scale i judges the input average-pooled i times
    (3x3, stride 2, padding 1, padding excluded from the mean).

    Each scale is an NLayerDiscriminator with pix2pixHD's k4 padding 2 (ceil(3/2)), conv biases
    and widths min(ndf * 2**n, max_filters). call(x) returns, per scale (0 = full resolution), the
    list of every block's output, the last being the patch prediction; with get_interm_feat=False
    only the prediction. `use_sigmoid` ends each prediction with a sigmoid. SPADE's variant:
    use_bias=False (normed middle convs only), spectral_norm_ends=False, n_layers = n_layers_D - 1.
    """

    def __init__(self, ndf: int = 64, n_layers: int = 3, norm: str = "instance", use_sigmoid: bool = False,
                 num_D: int = 3, get_interm_feat: bool = True, spectral_norm: bool = False,
                 use_bias: bool = True, max_filters: int = 512, spectral_norm_ends: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.ndf, self.n_layers, self.norm_kind, self.use_sigmoid = ndf, n_layers, norm, use_sigmoid
        self.num_D, self.get_interm_feat, self.spectral_norm = num_D, get_interm_feat, spectral_norm
        self.use_bias, self.max_filters, self.spectral_norm_ends = use_bias, max_filters, spectral_norm_ends
        self.scales = [NLayerDiscriminator(ndf, n_layers, norm, spectral_norm=spectral_norm, padding=2,
                                           use_bias=use_bias, max_filters=max_filters,
                                           spectral_norm_ends=spectral_norm_ends,
                                           use_sigmoid=use_sigmoid, name=f"scale{i}", dtype=self.dtype_policy)
                       for i in range(num_D)]
        self.downsample = AvgPoolExcludePad(3, 2, 1, name="downsample", dtype=self.dtype_policy)

    def build(self, input_shape):
        shape = tuple(input_shape)
        for i, scale in enumerate(self.scales):
            if i > 0:
                shape = self.downsample.compute_output_shape(shape)
            scale.build(shape)

    def call(self, x, training=None) -> list[list[tf.Tensor]]:
        out = []
        for i, scale in enumerate(self.scales):
            if i > 0:
                x = self.downsample(x)
            feats = scale.features(x, training=training)
            out.append(feats if self.get_interm_feat else feats[-1:])
        return out

    def get_config(self):
        return {"ndf": self.ndf, "n_layers": self.n_layers, "norm": self.norm_kind,
                "use_sigmoid": self.use_sigmoid, "num_D": self.num_D,
                "get_interm_feat": self.get_interm_feat, "spectral_norm": self.spectral_norm,
                "use_bias": self.use_bias, "max_filters": self.max_filters,
                "spectral_norm_ends": self.spectral_norm_ends, "name": self.name}
