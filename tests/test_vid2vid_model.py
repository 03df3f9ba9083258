"""The vid2vid Model's chunked training (official train.py inner loop): what carries from one chunk
to the next, when the temporal discriminators start to learn, the fixed coarse scales, the first
frame with no_first_img."""

import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import max_abs_diff, snapshot
from tests.helpers_vid2vid import chunk_batch, tiny_model_config
from tf_i2i.errors import ConfigError
from tf_i2i.models.vid2vid.model import Vid2Vid
from tf_i2i.training.schedules import make_optimizers

OPTIM = ml_collections.ConfigDict(dict(g_lr=2e-4, d_lr=2e-4, beta1=0.5, beta2=0.999, schedule="constant"))


def _trainer(cfg):
    model = Vid2Vid(cfg)
    model.compile(*make_optimizers(OPTIM))
    model.build_all(chunk_batch(0))
    return model, tf.function(model.train_step, autograph=model.autograph)


@pytest.fixture(scope="module")
def trained():
    """A model after chunks 0, 1, 2 of one sequence, with the weights and state seen after each."""
    model, step = _trainer(tiny_model_config())
    seen = []
    for chunk in range(3):
        before = {"D_T0": snapshot(model.temporal_discriminators[0].trainable_variables),
                  "D": snapshot(model.discriminator.trainable_variables)}
        logs = step(chunk_batch(chunk))
        seen.append((before, {k: float(v) for k, v in logs.items()}, model.state.previous[0].numpy(),
                     int(model.state.filled.numpy())))
    return model, seen


def test_each_chunk_updates_d_but_a_temporal_discriminator_waits_for_its_k_frames(trained):
    model, seen = trained
    after = snapshot(model.temporal_discriminators[0].trainable_variables)
    # chunks 0 and 1 have 1 and 2 new frames of the sequence: fewer than K = 3, no D_T0 update
    assert max_abs_diff(seen[0][0]["D_T0"], seen[2][0]["D_T0"]) == 0.0
    assert max_abs_diff(seen[2][0]["D_T0"], after) > 0.0  # chunk 2: the first group of 3 frames
    assert max_abs_diff(seen[0][0]["D"], seen[1][0]["D"]) > 0.0
    assert seen[1][1]["g_t0_gan"] == 0.0 and seen[2][1]["g_t0_gan"] > 0.0
    assert seen[2][1]["g_t1_gan"] == 0.0  # scale 1 needs 7 frames
    assert [s[3] for s in seen] == [1, 2, 3]


def test_the_next_chunk_starts_from_the_frames_just_generated(trained):
    model, seen = trained
    batch = chunk_batch(3)
    previous = seen[2][2]  # after chunk 2: [the frame generated at chunk 1, the one at chunk 2]
    np.testing.assert_array_equal(previous[:, 0], seen[1][2][:, 1])
    carried = model.state.carried_previous(tf.constant(False), [batch["image"][:, :2]])[0]
    np.testing.assert_array_equal(carried, previous)
    restarted = model.state.carried_previous(tf.constant(True), [batch["image"][:, :2]])[0]
    np.testing.assert_array_equal(restarted, batch["image"][:, :2])  # chunk 0: the real frames


def test_a_new_sequence_forgets_the_temporal_history(trained):
    model, _ = trained
    _, filled = model.state.carried_history(tf.constant(True))
    assert int(filled) == 0


def test_no_first_img_makes_the_first_frame_from_labels_alone():
    model, _ = _trainer(tiny_model_config(no_first_img=True))
    batch = chunk_batch(0)
    labels = model.encode_labels(batch)
    previous = [model.first_previous(batch["image"])]
    assert float(tf.reduce_max(tf.abs(previous[0]))) == 0.0
    out = model.generate(labels, previous, raw_only=tf.constant(True))
    np.testing.assert_array_equal(out.frames[0], out.raw)
    warped = model.generate(labels, previous, raw_only=tf.constant(False))
    assert float(tf.reduce_max(tf.abs(warped.frames[0] - warped.raw))) > 0.0


def test_fixed_global_scale_keeps_g0_until_niter_fix_global():
    cfg = tiny_model_config(n_scales_spatial=2, fg=False)
    cfg.niter_fix_global, cfg.n_scales_temporal = 2, 1
    model, step = _trainer(cfg)
    g0, g1 = model.generators
    start0, start1 = snapshot(g0.trainable_variables), snapshot(g1.trainable_variables)
    step(chunk_batch(0))
    step(chunk_batch(1))
    assert max_abs_diff(start0, snapshot(g0.trainable_variables)) == 0.0
    assert max_abs_diff(start1, snapshot(g1.trainable_variables)) > 0.0
    step(chunk_batch(2))
    assert max_abs_diff(start0, snapshot(g0.trainable_variables)) > 0.0


@pytest.mark.parametrize("change, message", [
    (dict(norm="group"), "generator.norm"),
    (dict(fg_labels=[7]), "fg_labels"),
])
def test_bad_options_are_config_errors(change, message):
    with pytest.raises(ConfigError, match=message):
        Vid2Vid(tiny_model_config(**change))


def test_a_chunk_of_two_new_frames_trains_under_mixed_bfloat16():
    import keras
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # conftest restores float32
    model, step = _trainer(tiny_model_config(fg=False))
    logs = step(chunk_batch(0, length=4))  # max_frames_per_step 2
    assert model.generators[0].compute_dtype == "bfloat16"
    assert all(np.isfinite(float(v)) for v in logs.values())
