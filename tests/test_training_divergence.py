"""The divergence guard: a non-finite loss term stops training with the step and the term, before
anything is written, so the good checkpoints and the export survive; train.on_nonfinite=skip_step
drops such updates in-graph and stops after train.max_nonfinite_steps in a row."""

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import checkpoint_steps, snapshot, tiny_config
from tf_i2i import losses
from tf_i2i.models.base import GANModel
from tf_i2i.models.update_guard import UpdateGuard, guarding
from tf_i2i.training.divergence import TrainingDiverged
from tf_i2i.training.fused_adam import FusedAdam
from tf_i2i.training.loop import train


@pytest.fixture
def nan_l1(monkeypatch):
    """pix2pix's L1 term (g_l1) becomes NaN in every step traced from now on."""
    l1 = losses.l1_loss
    monkeypatch.setattr(losses, "l1_loss", lambda a, b: l1(a, b) * float("nan"))


@pytest.mark.timeout(120)
def test_nan_loss_stops_naming_step_and_term_and_keeps_checkpoints_and_export(tmp_path, monkeypatch):
    export = tmp_path / "export"
    export.mkdir(parents=True)
    (export / "export_info.json").write_text("the good export of an earlier run")
    l1, calls = losses.l1_loss, tf.Variable(0)

    def l1_nan_from_step_4(a, b):  # one call per step, counted in-graph
        return l1(a, b) * tf.where(calls.assign_add(1) >= 4, float("nan"), 1.0)

    monkeypatch.setattr(losses, "l1_loss", l1_nan_from_step_4)
    config = tiny_config("pix2pix", train__num_steps=6, train__checkpoint_every=1, export__at_end=True,
                         export__tflite="")
    with pytest.raises(TrainingDiverged) as err:
        train(config, tmp_path)

    message = str(err.value)
    assert "diverged at step 4" in message and "g_l1" in message and "g_gan" not in message, message
    assert "ckpt-3" in message, message
    assert checkpoint_steps(tmp_path) == {1, 2, 3}  # keep=3: a NaN checkpoint would have rotated step 1 out
    assert [p.name for p in export.iterdir()] == ["export_info.json"]
    assert (export / "export_info.json").read_text() == "the good export of an earlier run"


@pytest.mark.timeout(60)
def test_skip_step_drops_an_update_with_a_nan_loss_whole_and_keeps_the_step_clock():
    weights = [tf.Variable([1.0, 2.0]), tf.Variable([3.0])]
    optimizer = FusedAdam(0.1, skip_nonfinite=True)
    optimizer.build(weights)

    @tf.function
    def update(poison):
        with guarding(UpdateGuard(drop=True)) as guard:
            with tf.GradientTape() as tape:  # only the first weight's part of the loss is NaN
                loss = tf.reduce_sum(weights[0]) * poison + tf.reduce_sum(weights[1] ** 2)
            GANModel.apply(optimizer, tape, loss, weights)
        return guard.nonfinite_updates()

    assert float(update(1.0)) == 0
    state = snapshot(weights + optimizer.variables)
    assert float(update(float("nan"))) == 1
    assert int(optimizer.iterations.numpy()) == 2, "the step clock must still advance"
    after = snapshot(weights + optimizer.variables)
    changed = [i for i, (a, b) in enumerate(zip(after, state, strict=True)) if not np.array_equal(a, b)]
    assert changed == [optimizer.variables.index(optimizer.iterations) + len(weights)], \
        "a weight or moment moved: the update was not dropped whole"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("check_gradients", [False, True])
def test_a_finite_loss_with_an_infinite_gradient_counts_only_under_check_gradient_norm(check_gradients):
    weight = tf.Variable([0.0, 1.0])
    optimizer = FusedAdam(0.1)
    optimizer.build([weight])

    @tf.function
    def update():
        with guarding(UpdateGuard(check_gradients=check_gradients)) as guard:
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.sqrt(weight))  # finite (1.0); d/dw sqrt(w) at w = 0 is inf
            GANModel.apply(optimizer, tape, loss, [weight])
        return guard.nonfinite_updates()

    assert float(update()) == (1 if check_gradients else 0)


@pytest.mark.timeout(120)
def test_skip_step_stops_after_max_nonfinite_steps_in_a_row_without_checkpoints(tmp_path, nan_l1):
    config = tiny_config("pix2pix", train__num_steps=6, train__checkpoint_every=1, train__on_nonfinite="skip_step",
                         train__max_nonfinite_steps=3)
    with pytest.raises(TrainingDiverged, match=r"3 steps in a row up to step 3 .*g_l1"):
        train(config, tmp_path)
    assert checkpoint_steps(tmp_path) == set()
