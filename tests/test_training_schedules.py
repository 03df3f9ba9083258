"""The learning-rate schedules follow the papers' formulas and drive the optimizers.
(That the logged lr follows them is checked on a real run in test_training_summaries.py.)"""

import keras
import ml_collections
import numpy as np
import pytest

from tf_i2i.training.schedules import LinearDecay, StepDecay, make_optimizers, make_schedule


def _values(schedule, steps):
    return np.array([float(schedule(s)) for s in steps])


def test_linear_decay_is_constant_then_linear_to_zero():
    base, constant, decay = 2e-4, 10, 20
    steps = np.arange(0, 40)
    expected = base * np.clip(1.0 - np.maximum(steps - constant, 0) / decay, 0.0, 1.0)
    np.testing.assert_allclose(_values(LinearDecay(base, constant, decay), steps), expected, rtol=1e-6)
    # Anchors: full rate through step 10, half way down at 20, zero from 30 on.
    np.testing.assert_allclose(_values(LinearDecay(base, constant, decay), [10, 20, 30, 39]),
                               [base, base / 2, 0.0, 0.0], rtol=1e-6, atol=1e-12)


def test_step_decay_multiplies_by_gamma_every_step_size():
    base, size, gamma = 1e-3, 5, 0.5
    steps = np.arange(0, 22)
    np.testing.assert_allclose(_values(StepDecay(base, size, gamma), steps),
                               base * gamma ** (steps // size), rtol=1e-6)


@pytest.mark.parametrize("schedule", [LinearDecay(2e-4, 3, 7), StepDecay(1e-3, 4, 0.1)])
def test_schedules_survive_keras_serialization(schedule):
    """The optimizer config (and so a saved optimizer) carries the schedule by its config."""
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert type(clone) is type(schedule)
    np.testing.assert_array_equal(_values(clone, range(15)), _values(schedule, range(15)))


def _optim(schedule):
    return ml_collections.ConfigDict(dict(schedule=schedule, g_lr=2e-4, d_lr=1e-4, beta1=0.5, beta2=0.999,
                                          constant_steps=2, decay_steps=4, step_size=3, gamma=0.5))


def test_optimizers_follow_their_own_schedule_and_base_rate():
    g_opt, d_opt = make_optimizers(_optim("linear"))
    assert (g_opt.beta_1, g_opt.beta_2) == (0.5, 0.999)
    for opt, base in ((g_opt, 2e-4), (d_opt, 1e-4)):
        opt.build([keras.Variable(np.zeros(2, "float32"))])
        for step in range(8):
            opt.iterations.assign(step)
            np.testing.assert_allclose(float(opt.learning_rate), float(LinearDecay(base, 2, 4)(step)), rtol=1e-6)


def test_make_schedule_choices():
    assert make_schedule(_optim("constant"), 3e-4) == 3e-4
    assert isinstance(make_schedule(_optim("step"), 1e-3), StepDecay)
    with pytest.raises(ValueError, match="cosine"):
        make_schedule(_optim("cosine"), 1e-3)
