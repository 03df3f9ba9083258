"""Pix2PixHD's train_step: losses that fall, the coarse-to-fine hand-over, the fixed-G1 phase, input modes."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch, max_abs_diff, snapshot, tiny_config
from tf_i2i.training.checkpoint import TrainCheckpoint, training_state
from tf_i2i.training.loop import build_trainer_state, make_train_step

STRATEGY = tf.distribute.get_strategy()


def _trainer(**overrides):
    config = tiny_config("pix2pixhd", **overrides)
    keras.utils.set_random_seed(0)
    batch = fixed_batch(config)
    model = build_trainer_state(config, STRATEGY, batch)
    step = make_train_step(STRATEGY, model)
    return model, step, iter(tf.data.Dataset.from_tensors(batch).repeat())


@pytest.mark.timeout(120)
def test_perceptual_loss_falls_and_every_term_is_logged():
    """The VGG term (random VGG weights, never downloaded) is the reconstruction signal of pix2pixHD."""
    model, step, batches = _trainer(model__loss__vgg_loss=True, model__loss__vgg_weights="random",
                                    optim__schedule="constant", optim__g_lr=2e-3, optim__d_lr=2e-3)
    history = [step(batches) for _ in range(15)]
    assert set(history[0]) == {"g_gan", "g_feat", "g_vgg", "d_real", "d_fake", "lr_g", "lr_d"}
    vgg = [float(logs["g_vgg"]) for logs in history]
    assert np.all(np.isfinite(vgg)) and np.mean(vgg[-3:]) < 0.8 * vgg[0], vgg


@pytest.mark.parametrize("overrides", [
    {"data__use_instance": False, "model__encoder__instance_feat": False},
    {"data__use_instance": False, "model__encoder__instance_feat": False, "model__encoder__label_feat": True},
    {"model__encoder__instance_feat": False},
    {"data__num_classes": 0, "data__use_instance": False, "model__encoder__instance_feat": False},
    {"model__loss__gan_mode": "vanilla", "model__loss__gan_feat_loss": False},
])
def test_input_and_loss_modes_train(overrides):
    model, step, batches = _trainer(**overrides)
    logs = {k: float(v) for k, v in step(batches).items()}
    assert all(np.isfinite(v) for v in logs.values()), logs
    assert ("g_feat" in logs) == model.cfg.loss.gan_feat_loss


def test_instance_features_without_instance_maps_are_refused():
    with pytest.raises(ValueError, match="needs data.use_instance"):
        _trainer(data__use_instance=False)


@pytest.fixture(scope="module")
def global_run(tmp_path_factory):
    """(run folder, model, the encoder's weights before and after) of a global-stage run (ngf 8)
    checkpointed after one step; the tests below only read it."""
    workdir = tmp_path_factory.mktemp("global")
    model, step, batches = _trainer(model__generator__ngf=8)
    encoder_before = snapshot(model.encoder.trainable_variables)
    step(batches)
    TrainCheckpoint(workdir, training_state(model)).save(1)
    return workdir, model, encoder_before, snapshot(model.encoder.trainable_variables)


def test_encoder_is_trained_with_the_generator(global_run):
    _, _, before, after = global_run
    assert max_abs_diff(before, after) > 0


def test_local_stage_starts_from_the_global_stage(global_run):
    workdir, trained, _, _ = global_run
    local, _, _ = _trainer(train__stage="local", train__load_pretrain=str(workdir), model__generator__ngf=4)
    assert local.warm_start() == str(workdir)
    g1 = local.generator.global_net
    assert max_abs_diff(snapshot(g1.weights), snapshot(trained.generator.weights[:len(g1.weights)])) == 0
    assert max_abs_diff(snapshot(local.encoder.weights), snapshot(trained.encoder.weights)) == 0
    assert max_abs_diff(snapshot(local.discriminator.weights), snapshot(trained.discriminator.weights)) == 0


def test_local_stage_rejects_a_global_run_of_the_wrong_width(global_run):
    workdir, *_ = global_run
    local, _, _ = _trainer(train__stage="local", train__load_pretrain=str(workdir), model__generator__ngf=8)
    with pytest.raises(ValueError, match="ngf must be half"):
        local.warm_start()


def test_global_generator_stays_fixed_for_niter_fix_global_steps():
    model, step, batches = _trainer(train__stage="local", train__niter_fix_global=2)
    g1 = model.generator.global_net.trainable_variables
    local = [v for level in model.generator.levels for v in level.trainable_variables]
    g1_start, local_start = snapshot(g1), snapshot(local)
    step(batches), step(batches)
    assert max_abs_diff(g1_start, snapshot(g1)) == 0
    assert max_abs_diff(local_start, snapshot(local)) > 0
    step(batches)
    assert max_abs_diff(g1_start, snapshot(g1)) > 0
