"""Multi-scale PatchGAN discriminator (pix2pixHD, Wang et al. 2018, Sec. 3.2), reused by SPADE and MUNIT."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError
from tf_i2i.layers import AvgPoolExcludePad
from tf_i2i.nets.patchgan import NLayerDiscriminator, StridedPatchDiscriminator

ARCHITECTURES = ("pix2pixhd", "munit")


class PyramidDiscriminator(keras.Model):
    """Discriminators in `self.scales` (each with `features(x)`); scale i judges the input pooled i
    times by `self.downsample`. call(x) returns, per scale (0 = full resolution), every block's
    output, the last being the prediction; with get_interm_feat=False only the prediction."""

    scales: list[keras.Model]
    downsample: keras.layers.Layer
    get_interm_feat: bool = True

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


@keras.saving.register_keras_serializable(package="tf_i2i")
class MultiscaleDiscriminator(PyramidDiscriminator):
    """num_D identical-architecture PatchGANs; scale i judges the input average-pooled i times
    (3x3, stride 2, padding 1, padding excluded from the mean): a PyramidDiscriminator.

    Each scale is an NLayerDiscriminator with pix2pixHD's k4 padding 2 (ceil(3/2)), conv biases
    and widths min(ndf * 2**n, max_filters). call(x) returns, per scale (0 = full resolution), the
    list of every block's output, the last being the patch prediction; with get_interm_feat=False
    only the prediction. `use_sigmoid` ends each prediction with a sigmoid. SPADE's variant:
    use_bias=False (normed middle convs only), spectral_norm_ends=False, n_layers = n_layers_D - 1.
    vid2vid's variant widens the coarser scales: with `scale_ndf_max` set, scale i starts at
    min(scale_ndf_max, ndf * 2**i) filters instead of ndf.

    architecture='munit' is MUNIT/UNIT's MsImageDis instead: each scale a StridedPatchDiscriminator
    (n_layers k4s2 blocks, 1x1 logits) with the official `munit_norm`, `activ` and `pad_type`
    strings; the pix2pixHD-only options (use_sigmoid, spectral_norm, use_bias, max_filters) are unused.
    """

    def __init__(self, ndf: int = 64, n_layers: int = 3, norm: str = "instance", use_sigmoid: bool = False,
                 num_D: int = 3, get_interm_feat: bool = True, spectral_norm: bool = False,
                 use_bias: bool = True, max_filters: int = 512, spectral_norm_ends: bool = True,
                 architecture: str = "pix2pixhd", munit_norm: str = "none", activ: str = "lrelu",
                 pad_type: str = "reflect", scale_ndf_max: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if architecture not in ARCHITECTURES:
            raise ConfigError(f"unknown discriminator architecture {architecture!r}; expected one of {ARCHITECTURES}")
        self.architecture, self.munit_norm, self.activ, self.pad_type = architecture, munit_norm, activ, pad_type
        self.ndf, self.n_layers, self.norm_kind, self.use_sigmoid = ndf, n_layers, norm, use_sigmoid
        self.num_D, self.get_interm_feat, self.spectral_norm = num_D, get_interm_feat, spectral_norm
        self.use_bias, self.max_filters, self.spectral_norm_ends = use_bias, max_filters, spectral_norm_ends
        self.scale_ndf_max = scale_ndf_max
        self.scales = [self._scale(i) for i in range(num_D)]
        self.downsample = AvgPoolExcludePad(3, 2, 1, name="downsample", dtype=self.dtype_policy)

    def scale_ndf(self, i: int) -> int:
        """Filters of the first conv of scale i (0 = full resolution)."""
        return self.ndf if self.scale_ndf_max is None else min(self.scale_ndf_max, self.ndf * 2 ** i)

    def _scale(self, i: int) -> keras.Model:
        name = f"scale{i}"
        if self.architecture == "munit":
            return StridedPatchDiscriminator(self.ndf, self.n_layers, self.munit_norm, self.activ, self.pad_type,
                                             name=name, dtype=self.dtype_policy)
        return NLayerDiscriminator(self.scale_ndf(i), self.n_layers, self.norm_kind, spectral_norm=self.spectral_norm,
                                   padding=2, use_bias=self.use_bias, max_filters=self.max_filters,
                                   spectral_norm_ends=self.spectral_norm_ends, use_sigmoid=self.use_sigmoid,
                                   name=name, dtype=self.dtype_policy)

    def get_config(self):
        return {"ndf": self.ndf, "n_layers": self.n_layers, "norm": self.norm_kind,
                "use_sigmoid": self.use_sigmoid, "num_D": self.num_D,
                "get_interm_feat": self.get_interm_feat, "spectral_norm": self.spectral_norm,
                "use_bias": self.use_bias, "max_filters": self.max_filters,
                "spectral_norm_ends": self.spectral_norm_ends, "architecture": self.architecture,
                "munit_norm": self.munit_norm, "activ": self.activ, "pad_type": self.pad_type,
                "scale_ndf_max": self.scale_ndf_max, "name": self.name}


def ms_image_discriminator(dim: int = 64, n_layer: int = 4, norm: str = "none", activ: str = "lrelu",
                           num_scales: int = 3, pad_type: str = "reflect", get_interm_feat: bool = True,
                           name: str | None = None) -> MultiscaleDiscriminator:
    """MUNIT/UNIT's MsImageDis from its official `dis` options (raw logits per scale; LSGAN by default)."""
    return MultiscaleDiscriminator(dim, n_layer, num_D=num_scales, get_interm_feat=get_interm_feat,
                                   architecture="munit", munit_norm=norm, activ=activ, pad_type=pad_type, name=name)
