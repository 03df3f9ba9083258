"""FusedAdam: TF's fused Adam kernel gives Keras Adam's updates, and stays a drop-in Keras optimizer."""

import keras
import numpy as np
import tensorflow as tf

from tf_i2i.training.fused_adam import TORCH_EPSILON, FusedAdam
from tf_i2i.training.schedules import LinearDecay


def _run(optimizer, steps: int = 4):
    rng = np.random.default_rng(0)
    variables = [keras.Variable(rng.normal(size=s).astype("float32")) for s in ((3, 3, 4, 5), (5,))]
    targets = [tf.constant(rng.normal(size=v.shape), tf.float32) for v in variables]

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.add_n([tf.reduce_sum(tf.square(v - t) * tf.abs(t)) for v, t in zip(variables, targets, strict=True)])
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))

    for _ in range(steps):
        step()
    return [v.numpy() for v in variables], [m.numpy() for m in optimizer.variables[1:]]


def test_matches_keras_adam_with_schedule():
    def schedule():
        return LinearDecay(0.1, 1, 4)  # the rate changes every step: the kernel must get each step's rate

    fused = _run(FusedAdam(schedule(), beta_1=0.5, beta_2=0.9))
    plain = _run(keras.optimizers.Adam(schedule(), beta_1=0.5, beta_2=0.9, epsilon=TORCH_EPSILON))
    for a, b in zip(fused[0] + fused[1], plain[0] + plain[1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.abs(fused[0][0]).sum() > 0


def test_amsgrad_falls_back_to_keras():
    fused = _run(FusedAdam(0.05, amsgrad=True))
    plain = _run(keras.optimizers.Adam(0.05, amsgrad=True, epsilon=TORCH_EPSILON))
    for a, b in zip(fused[0], plain[0], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_config_round_trip_keeps_torch_epsilon():
    opt = FusedAdam(2e-4, beta_1=0.5)
    clone = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert type(clone) is FusedAdam and clone.epsilon == TORCH_EPSILON == 1e-8 and clone.beta_1 == 0.5
