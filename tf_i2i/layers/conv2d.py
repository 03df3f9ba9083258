"""A Conv2D whose wide convolutions on small maps run as one matrix multiply, and whose
batch-1 convolutions over many channels run as two half-height images.

Why: on CPU, oneDNN's direct convolution is slow when a map has few positions but the layer
has many weights (a batch-1 residual block at 1024 channels on a 16x32 map, a SPADE head on
8x8, a discriminator's last 4x4 layers): forward plus both gradients ran at 68-252 GFLOP/s
there on the 2-core AVX-512 machine, while the same work as an im2col matrix multiply ran at
176-314 (bf16 mostly likewise: 106-860 against 644-1295). The im2col matrix is built from
kh*kw slices of the input concatenated on channels, so the kernel [kh, kw, c_in, c_out] is used
as the [kh*kw*c_in, c_out] matrix it already is (its input gradient stays oneDNN's, see
patch_matmul_conv). Where the map is large relative to the weights oneDNN is the faster one and
is kept. The result is the same convolution (summation order aside); the variables, and so
checkpoints, converted official weights and SavedModels, are those of keras.layers.Conv2D.

Row split: at batch 1 oneDNN's fp32 forward convolution with >= 256 input channels ran at only
208-230 GFLOP/s (3x3, 256 channels on 54-64 px maps, the residual blocks of DRIT, MUNIT, UNIT and
CycleGAN) against 290-310 for the same work given as a batch of 2. So the input is cut into a top
and a bottom half (overlapping by kh - 1 rows) stacked on the batch axis; the two outputs, read in
order, are already the full output, so only a reshape follows. The gradients stay oneDNN's own
ops on the unsplit shapes (they are not slow at batch 1, and differentiating the split would add
the slices' gradients). bf16 convolutions, strided ones and 1x1 ones were slower split and are kept.

Both paths are CPU measurements, so they are taken only where the convolution runs on a CPU
(ops_run_on_cpu); on a GPU or TPU the layer is keras.layers.Conv2D. The thresholds below were all
measured on CPU (the 2-core AVX-512 Xeon, TF 2.21's oneDNN):

- MIN_WEIGHTS_PER_POSITION = 512: the matmul form from 512 weights per output position up;
- MIN_FILTERS = 64: neither path for fewer output channels;
- MAX_PATCH_ELEMENTS = 2**25: the im2col matrix at most 128 MB in fp32;
- MIN_ROW_SPLIT_CHANNELS = 256: the row split from 256 input channels up.
"""

from __future__ import annotations

import functools

import keras
import tensorflow as tf

# Measured crossover (microbenchmarks of the conv shapes these models' train steps run, fp32,
# batch 1-6): the matmul form won from ~500 weights per output position up and lost on wide maps.
MIN_WEIGHTS_PER_POSITION = 512
MIN_FILTERS = 64  # a matrix-vector product (the c_out = 1 or 3 output layers) is no faster
MAX_PATCH_ELEMENTS = 1 << 25  # the im2col matrix stays under 128 MB in fp32
MIN_ROW_SPLIT_CHANNELS = 256  # from 256 input channels up the batch-1 forward pass gained 1.2-1.4x


@functools.cache
def _accelerator_visible() -> bool:
    """Whether TensorFlow sees a GPU or TPU (fixed once it has started, so asked once)."""
    return any(tf.config.list_logical_devices(kind) for kind in ("GPU", "TPU"))


def ops_run_on_cpu() -> bool:
    """Whether an op created here runs on a CPU. In a tf.function: the device type the scope names
    (a tf.device block, a distribution strategy's replica device), read at trace time from a NoOp
    (no public getter; the unused op is pruned when the function runs). Otherwise, and for a scope
    without a device type, where TensorFlow puts an op with no device: on a GPU or TPU if it sees
    one. Not the input's device: a traced input carries none, and an eager op without a scope runs
    on the GPU wherever its input lives. (An eager call under tf.device("/CPU:0") on a GPU machine
    thus gets the plain conv: slower there, never wrong.)"""
    if not tf.executing_eagerly():
        device_type = tf.DeviceSpec.from_string(tf.no_op(name="device_probe").device).device_type
        if device_type:
            return device_type == "CPU"
    return not _accelerator_visible()


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


def _input_gradient(x: tf.Tensor, kernel: tf.Tensor, dy: tf.Tensor, strides: tuple[int, int]) -> tf.Tensor:
    """dL/dx of the plain 'valid' convolution of x (static shape) by kernel, from dL/dy: oneDNN's op."""
    return tf.raw_ops.Conv2DBackpropInput(input_sizes=x.shape.as_list(), filter=kernel, out_backprop=dy,
                                          strides=[1, *strides, 1], padding="VALID")


def patch_matmul_conv(x: tf.Tensor, kernel: tf.Tensor, strides: tuple[int, int]) -> tf.Tensor:
    """A 'valid' NHWC convolution computed as im2col (concatenated tap slices) @ kernel matrix.
    Its kernel gradient is the matching matmul (patches^T @ dy); its input gradient oneDNN's
    Conv2DBackpropInput, which beat the im2col transpose (a Pad per tap and their sum) at every
    shape this path takes (DRIT's discriminators: 0.2 s a step)."""
    kh, kw, c_in, c_out = kernel.shape.as_list()
    out_h = (x.shape[1] - kh) // strides[0] + 1
    out_w = (x.shape[2] - kw) // strides[1] + 1

    @tf.custom_gradient
    def conv(x, kernel):
        patches = tf.concat(_taps(x, kh, kw, strides, out_h, out_w), axis=-1)  # tap-major, as the kernel
        patches = tf.reshape(patches, [-1, kh * kw * c_in])
        y = tf.matmul(patches, tf.reshape(kernel, [kh * kw * c_in, c_out]))

        def grad(dy):
            d_kernel = tf.matmul(patches, tf.reshape(dy, [-1, c_out]), transpose_a=True)
            return _input_gradient(x, kernel, dy, strides), tf.reshape(d_kernel, kernel.shape)

        return tf.reshape(y, [-1, out_h, out_w, c_out]), grad

    return conv(x, kernel)


def prefers_row_split(input_shape: tf.TensorShape, kernel_shape: tf.TensorShape, strides: tuple[int, int],
                      dtype: tf.DType) -> bool:
    """Whether a 'valid', undilated NHWC conv of these static shapes runs faster as two half-height
    images on the batch axis (row_split_conv)."""
    input_shape, kernel_shape = tf.TensorShape(input_shape), tf.TensorShape(kernel_shape)
    if dtype != tf.float32 or not (input_shape.is_fully_defined() and kernel_shape.is_fully_defined()):
        return False
    n, h, _, _ = input_shape.as_list()
    kh, kw, c_in, c_out = kernel_shape.as_list()
    out_h = h - kh + 1
    return (n == 1 and tuple(strides) == (1, 1) and kh * kw > 1 and c_in >= MIN_ROW_SPLIT_CHANNELS
            and c_out >= MIN_FILTERS and out_h >= 2 and out_h % 2 == 0)


@tf.custom_gradient
def row_split_conv(x: tf.Tensor, kernel: tf.Tensor):
    """A 'valid', stride-1 NHWC convolution of a batch-1 x (an even number of output rows) computed
    on its two row halves as a batch of 2; gradients by the plain convolution's backward ops."""
    kh = kernel.shape[0]
    half = (x.shape[1] - kh + 1) // 2  # output rows per half
    rows = half + kh - 1
    halves = tf.concat([tf.slice(x, [0, 0, 0, 0], [-1, rows, -1, -1]),
                        tf.slice(x, [0, half, 0, 0], [-1, rows, -1, -1])], axis=0)
    y = tf.nn.conv2d(halves, kernel, 1, "VALID")
    y = tf.reshape(y, [1, 2 * half, y.shape[2], y.shape[3]])

    def grad(dy):
        d_kernel = tf.raw_ops.Conv2DBackpropFilter(input=x, filter_sizes=kernel.shape.as_list(), out_backprop=dy,
                                                   strides=[1, 1, 1, 1], padding="VALID")
        return _input_gradient(x, kernel, dy, (1, 1)), d_kernel

    return y, grad


@keras.saving.register_keras_serializable(package="tf_i2i")
class Conv2D(keras.layers.Conv2D):
    """keras.layers.Conv2D that takes the im2col-matmul or the row-split path where one is
    measurably faster: on CPU only (see module)."""

    def convolution_op(self, inputs, kernel):
        plain = (self.padding == "valid" and self.data_format == "channels_last" and self.groups == 1
                 and tuple(self.dilation_rate) == (1, 1))
        # (custom gradients differentiate tensors, so the kernel variable is read first)
        if plain and prefers_patch_matmul(inputs.shape, kernel.shape, tuple(self.strides)) and ops_run_on_cpu():
            return patch_matmul_conv(inputs, tf.convert_to_tensor(kernel), tuple(self.strides))
        if plain and prefers_row_split(inputs.shape, kernel.shape, tuple(self.strides), inputs.dtype) \
                and ops_run_on_cpu():
            return row_split_conv(inputs, tf.convert_to_tensor(kernel))
        return super().convolution_op(inputs, kernel)
