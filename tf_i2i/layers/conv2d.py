"""A Conv2D whose wide convolutions on small maps run as one matrix multiply.

Why: on CPU, oneDNN's direct convolution is slow when a map has few positions but the layer
has many weights (a batch-1 residual block at 1024 channels on a 16x32 map, a SPADE head on
8x8, a discriminator's last 4x4 layers): forward plus both gradients ran at 68-252 GFLOP/s
there on the 2-core AVX-512 machine, while the same work as an im2col matrix multiply ran at
176-314 (bf16 mostly likewise: 106-860 against 644-1295). The im2col matrix is built from
kh*kw slices of the input (tf.slice, whose gradient is a cheap Pad) concatenated on channels, so
the kernel [kh, kw, c_in, c_out] is used as the [kh*kw*c_in, c_out] matrix it already is. Where
the map is large relative to the weights oneDNN is the faster one and is kept. The result is
the same convolution (summation order aside); the variables, and so checkpoints, converted
official weights and SavedModels, are those of keras.layers.Conv2D.
"""

from __future__ import annotations

import keras
import tensorflow as tf

# Measured crossover (microbenchmarks of the conv shapes these models' train steps run, fp32,
# batch 1-6): the matmul form won from ~500 weights per output position up and lost on wide maps.
MIN_WEIGHTS_PER_POSITION = 512
MIN_FILTERS = 64  # a matrix-vector product (the c_out = 1 or 3 output layers) is no faster
MAX_PATCH_ELEMENTS = 1 << 25  # the im2col matrix stays under 128 MB in fp32


def prefers_patch_matmul(input_shape: tf.TensorShape, kernel_shape: tf.TensorShape,
                         strides: tuple[int, int]) -> bool:
    """Whether a 'valid', undilated NHWC conv of these static shapes is faster as an im2col matmul."""
    input_shape, kernel_shape = tf.TensorShape(input_shape), tf.TensorShape(kernel_shape)
    if not (input_shape.is_fully_defined() and kernel_shape.is_fully_defined()):
        return False  # a graph traced for any size (SavedModel signatures) keeps the conv op
    n, h, w, _ = input_shape.as_list()
    kh, kw, c_in, c_out = kernel_shape.as_list()
    positions = n * ((h - kh) // strides[0] + 1) * ((w - kw) // strides[1] + 1)
    if positions <= 0 or c_out < MIN_FILTERS or positions * kh * kw * c_in > MAX_PATCH_ELEMENTS:
        return False
    return kh * kw * c_in * c_out >= MIN_WEIGHTS_PER_POSITION * positions


def _taps(x: tf.Tensor, kh: int, kw: int, strides: tuple[int, int], out_h: int, out_w: int) -> list[tf.Tensor]:
    """The kh*kw shifted (and strided) views of x that meet kernel tap (i, j), each [N, out_h, out_w, C].

    A stride s is handled without strided slicing (whose gradient is slow on CPU): rows are
    regrouped as (row // s, row % s), so tap i reads group i // s + r, phase i % s, for r < out_h.
    """
    sh, sw = strides
    if (sh, sw) == (1, 1):
        return [tf.slice(x, [0, i, j, 0], [-1, out_h, out_w, -1]) for i in range(kh) for j in range(kw)]
    groups_h, groups_w = out_h + (kh - 1) // sh, out_w + (kw - 1) // sw
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    used_h, used_w = min(h, groups_h * sh), min(w, groups_w * sw)
    x = tf.slice(x, [0, 0, 0, 0], [-1, used_h, used_w, -1])
    x = tf.pad(x, [[0, 0], [0, groups_h * sh - used_h], [0, groups_w * sw - used_w], [0, 0]])  # never read
    x = tf.reshape(x, [-1, groups_h, sh, groups_w, sw, c])
    return [tf.reshape(tf.slice(x, [0, i // sh, i % sh, j // sw, j % sw, 0], [-1, out_h, 1, out_w, 1, -1]),
                       [-1, out_h, out_w, c])
            for i in range(kh) for j in range(kw)]


def patch_matmul_conv(x: tf.Tensor, kernel: tf.Tensor, strides: tuple[int, int]) -> tf.Tensor:
    """A 'valid' NHWC convolution computed as im2col (concatenated tap slices) @ kernel matrix."""
    kh, kw, c_in, c_out = kernel.shape.as_list()
    out_h = (x.shape[1] - kh) // strides[0] + 1
    out_w = (x.shape[2] - kw) // strides[1] + 1
    patches = tf.concat(_taps(x, kh, kw, strides, out_h, out_w), axis=-1)  # tap-major, as the kernel
    y = tf.matmul(tf.reshape(patches, [-1, kh * kw * c_in]), tf.reshape(kernel, [kh * kw * c_in, c_out]))
    return tf.reshape(y, [-1, out_h, out_w, c_out])


@keras.saving.register_keras_serializable(package="tf_i2i")
class Conv2D(keras.layers.Conv2D):
    """keras.layers.Conv2D that takes the im2col-matmul path where it is measurably faster (see module)."""

    def convolution_op(self, inputs, kernel):
        plain = (self.padding == "valid" and self.data_format == "channels_last" and self.groups == 1
                 and tuple(self.dilation_rate) == (1, 1))
        if plain and prefers_patch_matmul(inputs.shape, kernel.shape, tuple(self.strides)):
            return patch_matmul_conv(inputs, kernel, tuple(self.strides))
        return super().convolution_op(inputs, kernel)
