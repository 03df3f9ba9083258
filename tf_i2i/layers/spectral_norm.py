"""Spectral normalisation as torch.nn.utils.spectral_norm does it (or as NVlabs/MUNIT's own
wrapper does), for Conv2D and Dense.

keras.layers.SpectralNormalization writes W / sigma back into the kernel on every training call, so
the optimiser updates an already normalised kernel (a projection) and no gradient flows through
sigma; it also keeps only u. Torch instead keeps the raw weight (`weight_orig`) as the parameter,
keeps both singular vectors u, v as buffers, and computes weight = weight_orig / sigma in every
forward pass with the gradient through sigma. This wrapper does the latter, so official SPADE
checkpoints load as they are (weight_orig, weight_u, weight_v) and training follows the official
code. No variable but u and v is written in the forward pass.

MUNIT's norm 'sn' uses its own wrapper instead (variant 'munit'): same parametrisation, but it
runs the power iteration on every forward call, eval included, and normalises by x / (|x| + eps).
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import ops

from tf_i2i.errors import ConfigError


INITIAL_POWER_ITERATIONS = 20
VARIANTS = ("torch", "munit")


def _normalize(x, eps: float):
    """torch.nn.functional.normalize of a vector: x / max(||x||, eps)."""
    return x / ops.maximum(ops.sqrt(ops.sum(ops.square(x))), eps)


def _l2normalize(x, eps: float):
    """MUNIT's l2normalize: x / (||x|| + eps)."""
    return x / (ops.sqrt(ops.sum(ops.square(x))) + eps)


@keras.saving.register_keras_serializable(package="tf_i2i")
class SpectralNorm(keras.layers.Wrapper):
    """Wraps a Conv2D or Dense: its `kernel` stays the trainable, unnormalised weight_orig and
    each call uses kernel / sigma with sigma = v . (W u), W = the kernel as an [in, out] matrix
    (torch's [out, in] weight_mat transposed, so this is torch's u . (W v)).

    training=True runs `power_iterations` steps (v = normalize(W u), u = normalize(W^T v), no
    gradient) and stores u, v first; otherwise the stored u, v are used unchanged (torch eval).
    variant='munit' runs those steps on every call, whatever `training` (NVlabs/MUNIT's
    SpectralNorm, whose forward always updates u, v first), with MUNIT's x / (|x| + eps).
    v follows the order of `reshape(kernel, [-1, out])` (kh, kw, in for a conv), not torch's
    (in, kh, kw): the converter permutes it.

    The wrapper does not autocast, so under mixed precision sigma is computed from the float32
    kernel; inputs, the normalised kernel and the bias are cast to the compute dtype explicitly.
    """

    def __init__(self, layer: keras.layers.Layer, power_iterations: int = 1, eps: float = 1e-12,
                 variant: str = "torch", **kwargs):
        if not isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):  # Keras 3: Conv2DTranspose is neither
            raise ValueError(f"SpectralNorm wraps a Conv2D or Dense only, not {type(layer).__name__} "
                             "(a transposed conv's kernel has its output channels on another axis)")
        if isinstance(layer, keras.layers.Conv2D) and layer.data_format != "channels_last":
            raise ValueError("SpectralNorm supports channels_last convs only")
        if power_iterations < 1:
            raise ConfigError(f"power_iterations must be >= 1, got {power_iterations}")
        if variant not in VARIANTS:
            raise ConfigError(f"unknown spectral-norm variant {variant!r}; expected one of {VARIANTS}")
        super().__init__(layer, autocast=False, **kwargs)
        self.power_iterations = power_iterations
        self.eps = eps
        self.variant = variant
        self._normalize = _l2normalize if variant == "munit" else _normalize

    def build(self, input_shape):
        super().build(input_shape)
        rows, cols = self._matrix_shape()
        # Variables (not layer outputs) written in replica context: every replica computes the same
        # u, v from the same mirrored kernel, so the first replica's value is the value.
        common = dict(trainable=False, dtype="float32", aggregation="only_first_replica")
        self.u = self.add_weight(shape=(cols,), initializer=self._unit_normal, name="u", **common)
        self.v = self.add_weight(shape=(rows,), initializer=self._unit_normal, name="v", **common)
        if tf.executing_eagerly():
            self._converge_initial_vectors()

    def _converge_initial_vectors(self) -> None:
        """Unlike torch's random start, u and v begin as the initial kernel's singular vectors, so
        an untrained layer's inference output is already normalised (with random u, v it can be
        100x too large). Converted official weights overwrite u and v."""
        w = ops.reshape(ops.convert_to_tensor(self.layer.kernel), self._matrix_shape())
        u = ops.convert_to_tensor(self.u)
        for _ in range(INITIAL_POWER_ITERATIONS):
            v = _normalize(ops.matmul(w, u), self.eps)
            u = _normalize(ops.matmul(v, w), self.eps)
        self.u.assign(u)
        self.v.assign(v)

    def _unit_normal(self, shape, dtype=None):
        """torch's init of u and v: normal(0, 1), then normalised."""
        return _normalize(keras.initializers.RandomNormal(stddev=1.0)(shape, dtype=dtype), self.eps)

    def _matrix_shape(self) -> tuple[int, int]:
        shape = tuple(self.layer.kernel.shape)
        return math.prod(shape[:-1]), shape[-1]

    def normalized_kernel(self, training: bool = False):
        """weight_orig / sigma in float32 (updating u and v first when training, or always for 'munit')."""
        kernel = ops.convert_to_tensor(self.layer.kernel)
        w = ops.reshape(kernel, self._matrix_shape())
        u, v = ops.convert_to_tensor(self.u), ops.convert_to_tensor(self.v)
        if not training and self.variant == "torch":
            return kernel / ops.sum(u * ops.matmul(v, w))
        w_const = ops.stop_gradient(w)
        for _ in range(self.power_iterations - 1):
            v = self._normalize(ops.matmul(w_const, u), self.eps)
            u = self._normalize(ops.matmul(v, w_const), self.eps)
        v = self._normalize(ops.matmul(w_const, u), self.eps)
        # The last iteration's v @ W is also sigma's (torch computes it twice, same value): one
        # pass over the kernel fewer; the gradient flows through sigma only, as in torch.
        wv = ops.matmul(v, w)
        u = self._normalize(ops.stop_gradient(wv), self.eps)
        self.u.assign(u)
        self.v.assign(v)
        return kernel / ops.sum(u * wv)

    def call(self, inputs, training=None):
        dtype = self.compute_dtype
        inputs = ops.cast(inputs, dtype)
        kernel = ops.cast(self.normalized_kernel(bool(training)), dtype)
        if isinstance(self.layer, keras.layers.Conv2D):
            outputs = self.layer.convolution_op(inputs, kernel)
        else:
            outputs = ops.matmul(inputs, kernel)
        if self.layer.use_bias:
            outputs = outputs + ops.cast(self.layer.bias, dtype)
        return outputs if self.layer.activation is None else self.layer.activation(outputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations, "eps": self.eps,
                "variant": self.variant}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # keras.layers.Wrapper.from_config pops "layer" from the caller's dict; work on a copy.
        return super().from_config(dict(config), custom_objects=custom_objects)
