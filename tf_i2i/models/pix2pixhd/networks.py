"""pix2pixHD networks (Wang et al., CVPR 2018): global generator G1, local enhancer G2 (Sec. 3.2) and
the instance-wise feature encoder E (Sec. 3.4), with the official layer order and padding so
converted official weights reproduce the official outputs. Every conv carries a bias (also with
batch norm), as the official code."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers import AvgPoolExcludePad, InstanceAveragePool
from tf_i2i.nets.hd_blocks import down_block, down_blocks, head_block, resnet_blocks, stem_block, up_block, up_blocks


@keras.saving.register_keras_serializable(package="tf_i2i")
class GlobalGenerator(keras.Model):
    """G1: c7s1-ngf, n_downsampling stride-2 convs, n_blocks residual blocks at ngf*2**n_downsampling,
    n_downsampling transposed convs, c7s1-output_nc + tanh.

    `padding_type` is the residual blocks' padding (the 7x7 convs always reflect-pad). With
    include_head=False the last pad/conv/tanh is left out, as the LocalEnhancer uses G1;
    n_blocks=0 is the official feature Encoder's body.
    """

    def __init__(self, output_nc: int = 3, ngf: int = 64, n_downsampling: int = 3, n_blocks: int = 9,
                 norm: str = "instance", padding_type: str = "reflect", include_head: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.n_downsampling, self.n_blocks = output_nc, ngf, n_downsampling, n_blocks
        self.norm_kind, self.padding_type, self.include_head = norm, padding_type, include_head
        dtype = self.dtype_policy
        self.stem = stem_block(ngf, norm, dtype)
        self.down = down_blocks(ngf, n_downsampling, norm, dtype)
        width = ngf * 2 ** n_downsampling
        self.blocks = resnet_blocks(width, n_blocks, norm, padding_type, dtype)
        self.up = up_blocks(width, n_downsampling, norm, dtype)
        self.head = head_block(output_nc) if include_head else None

    @property
    def size_multiple(self) -> int:
        """Input H and W must be multiples of this for the output to match the input size."""
        return 2 ** self.n_downsampling

    def trunk(self, x, training=None):
        """Everything before the head (the output of the last transposed conv block)."""
        x = self.stem(x, training=training)
        for layer in self.down + self.blocks + self.up:
            x = layer(x, training=training)
        return x

    def call(self, x, training=None):
        x = self.trunk(x, training=training)
        return self.head(x, training=training) if self.head is not None else x

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_downsampling": self.n_downsampling,
                "n_blocks": self.n_blocks, "norm": self.norm_kind, "padding_type": self.padding_type,
                "include_head": self.include_head, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class EnhancerLevel(keras.layers.Layer):
    """One local enhancer G2 at width `filters`: `downsample(x)` is the official model{n}_1
    (c7s1-filters, stride-2 conv to 2*filters); call(x, coarse) is model{n}_2 applied to
    downsample(x) + coarse (residual blocks, transposed conv to `filters`, and on the finest level
    the c7s1-output_nc + tanh head)."""

    def __init__(self, filters: int, output_nc: int = 3, n_blocks: int = 3, norm: str = "instance",
                 padding_type: str = "reflect", include_head: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.output_nc, self.n_blocks = filters, output_nc, n_blocks
        self.norm_kind, self.padding_type, self.include_head = norm, padding_type, include_head
        dtype = self.dtype_policy
        self.stem = stem_block(filters, norm, dtype)
        self.down = down_block(filters * 2, norm, "down", dtype)
        self.blocks = resnet_blocks(filters * 2, n_blocks, norm, padding_type, dtype)
        self.up = up_block(filters, norm, "up", dtype)
        self.head = head_block(output_nc) if include_head else None

    def downsample(self, x, training=None):
        return self.down(self.stem(x, training=training), training=training)

    def call(self, x, coarse, training=None):
        y = self.downsample(x, training=training) + coarse
        for block in self.blocks:
            y = block(y, training=training)
        y = self.up(y, training=training)
        return self.head(y, training=training) if self.head is not None else y

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "output_nc": self.output_nc,
                "n_blocks": self.n_blocks, "norm": self.norm_kind, "padding_type": self.padding_type,
                "include_head": self.include_head}


@keras.saving.register_keras_serializable(package="tf_i2i")
class LocalEnhancer(keras.Model):
    """G = {G1, G2}: G1 (a headless GlobalGenerator with ngf*2**n_local_enhancers filters) runs on the
    input average-pooled n_local_enhancers times; each enhancer level n = 1..n_local_enhancers
    (width ngf*2**(n_local_enhancers-n)) adds its downsampled finer input to the coarser result.

    As the official code, `padding_type` applies to the enhancers' residual blocks only; G1's blocks
    reflect-pad. intermediates(x) exposes the pyramid input of G1, G1's output and each model{n}_1.
    """

    def __init__(self, output_nc: int = 3, ngf: int = 32, n_downsample_global: int = 3,
                 n_blocks_global: int = 9, n_local_enhancers: int = 1, n_blocks_local: int = 3,
                 norm: str = "instance", padding_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.norm_kind, self.padding_type = output_nc, ngf, norm, padding_type
        self.n_downsample_global, self.n_blocks_global = n_downsample_global, n_blocks_global
        self.n_local_enhancers, self.n_blocks_local = n_local_enhancers, n_blocks_local
        dtype = self.dtype_policy
        self.global_net = GlobalGenerator(output_nc, ngf * 2 ** n_local_enhancers, n_downsample_global,
                                          n_blocks_global, norm, include_head=False, name="global", dtype=dtype)
        self.levels = [EnhancerLevel(ngf * 2 ** (n_local_enhancers - n), output_nc, n_blocks_local, norm,
                                     padding_type, include_head=n == n_local_enhancers, name=f"model{n}",
                                     dtype=dtype)
                       for n in range(1, n_local_enhancers + 1)]
        self.downsample = AvgPoolExcludePad(3, 2, 1, name="downsample", dtype=dtype)

    @property
    def size_multiple(self) -> int:
        """H and W must survive n_local_enhancers pools plus G1's n_downsample_global halvings."""
        return 2 ** (self.n_downsample_global + self.n_local_enhancers)

    def intermediates(self, x, training=None) -> dict[str, tf.Tensor]:
        """{'input_downsampled': G1's input, 'global_out': G1's output, 'model<n>_1_out': enhancer n's
        downsampled input, 'output': the final image}."""
        pyramid = [x]
        for _ in range(self.n_local_enhancers):
            pyramid.append(self.downsample(pyramid[-1]))
        out = {"input_downsampled": pyramid[-1]}
        y = out["global_out"] = self.global_net(pyramid[-1], training=training)
        for n, level in enumerate(self.levels, start=1):
            finer = pyramid[self.n_local_enhancers - n]
            out[f"model{n}_1_out"] = level.downsample(finer, training=training)
            y = level(finer, y, training=training)
        out["output"] = y
        return out

    def call(self, x, training=None):
        return self.intermediates(x, training=training)["output"]

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_downsample_global": self.n_downsample_global,
                "n_blocks_global": self.n_blocks_global, "n_local_enhancers": self.n_local_enhancers,
                "n_blocks_local": self.n_blocks_local, "norm": self.norm_kind,
                "padding_type": self.padding_type, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class FeatureEncoder(keras.Model):
    """E: the GlobalGenerator body without residual blocks, output feat_num channels through tanh, then
    instance-wise average pooling, so every instance carries one low-dimensional feature (Sec. 3.4).

    call(image, instance_ids) -> [B,H,W,output_nc]; ids are [B,H,W,1] ints (per-sample instances).
    """

    def __init__(self, output_nc: int = 3, ngf: int = 16, n_downsampling: int = 4, norm: str = "instance",
                 **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.n_downsampling, self.norm_kind = output_nc, ngf, n_downsampling, norm
        self.net = GlobalGenerator(output_nc, ngf, n_downsampling, 0, norm, name="net", dtype=self.dtype_policy)
        self.pool = InstanceAveragePool(name="instance_pool")

    @property
    def size_multiple(self) -> int:
        return 2 ** self.n_downsampling

    def build(self, image_shape, instance_ids_shape=None):
        self.net(keras.KerasTensor(tuple(image_shape)))  # a symbolic call builds the conv stack

    def call(self, image, instance_ids, training=None):
        return self.pool([self.net(image, training=training), instance_ids])

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_downsampling": self.n_downsampling,
                "norm": self.norm_kind, "name": self.name}
