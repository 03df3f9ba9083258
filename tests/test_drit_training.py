"""DRIT and multi-domain DRIT++ through the training loop: configs keep the official defaults, a run
on the synthetic domains trains with tf.function, samples, checkpoints (the content
discriminator's optimizer too) and resumes, and the restored model translates."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_drit import tiny_drit_config, tiny_mdmm_config
from tests.helpers_training import checkpoint_steps
from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.export import load_trained_model
from tf_i2i.training.loop import train


def test_drit_configs_keep_the_official_defaults():
    c = load_config_file(CONFIG_DIR / "drit" / "yosemite.py")
    m = c.model
    assert (m.concat, m.dim, m.mlp_dim, m.nz, m.dis_scale, m.dis_norm, m.dis_spectral_norm) == (
        1, 64, 256, 8, 3, "None", False)
    assert (m.mode_seeking, m.d_iter, m.init, m.weight_decay, m.content_clip_norm) == (
        True, 3, "conv_gaussian", 1e-4, 5.0)
    assert m.content_lr_factor == pytest.approx(0.4)
    assert dict(m.loss) == dict(gan_w=1, content_w=1, cross_cycle_w=10, self_recon_w=10, kl_za_w=0.01,
                                kl_zc_w=0.01, latent_w=10, mode_seeking_w=1)
    assert (c.optim.g_lr, c.optim.d_lr, c.optim.beta1, c.optim.beta2, c.optim.schedule) == (
        1e-4, 1e-4, 0.5, 0.999, "linear")
    assert (c.data.layout, c.data.preprocess, c.data.load_size, c.data.crop_size, c.data.flip) == (
        "unpaired", "resize_and_crop", 256, 216, True)
    assert c.train.batch_size == 2 * m.d_iter  # official batch 2, one EG update per d_iter batches
    assert c.optim.constant_steps == c.optim.decay_steps == c.train.num_steps // 2  # 600 of 1200 epochs
    for shape_changing in ("cat2dog", "photo2portrait"):  # the official README's --concat 0
        assert load_config_file(CONFIG_DIR / "drit" / f"{shape_changing}.py").model.concat == 0
    c.data.a_channels = 1
    assert (m.input_nc, m.output_nc) == (1, 3)


def test_multi_domain_config_keeps_the_official_defaults():
    c = load_config_file(CONFIG_DIR / "drit_md" / "default.py")
    m = c.model
    assert (m.concat, m.dim, m.nz, m.num_domains, m.content_discriminator, m.d_iter, m.init) == (
        1, 64, 8, 3, False, 3, "conv_gaussian")
    assert (m.loss.lambda_rec, m.loss.lambda_cls, m.loss.kl_za_w, m.loss.kl_zc_w, m.loss.latent_w) == (
        10, 1, 0.01, 0.01, 10)
    assert (c.data.layout, c.data.load_size, c.data.crop_size, c.train.batch_size) == ("domains", 256, 216, 2)
    c.data.num_domains, c.data.crop_size = 4, 128
    assert (m.num_domains, m.image_size) == (4, 128)


@pytest.mark.timeout(300)
def test_drit_trains_on_synthetic_day_and_night_and_translates_after_restoring(tmp_path):
    workdir = tmp_path / "drit"
    result = train(tiny_drit_config(), workdir)
    assert result.step == 2 and checkpoint_steps(workdir) == {2}
    assert all(np.isfinite(v) for v in result.last_logs.values()) and "g_ms_ab" in result.last_logs
    assert (workdir / "samples" / "step_0000002.png").is_file()
    saved = tf.train.load_checkpoint(str(workdir / "checkpoints"))
    counters = {k: int(saved.get_tensor(k)) for k in saved.get_variable_to_shape_map()
                if k.endswith("_optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE")}
    # the content discriminator's optimizer is checkpointed: it steps d_iter times per step
    assert counters == {f"{name}_optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE": count
                        for name, count in (("g", 2), ("d", 2), ("content", 6))}
    restored = load_trained_model(workdir)
    x = np.random.default_rng(0).uniform(-1, 1, (1, 64, 64, 3)).astype(np.float32)
    z = np.random.default_rng(1).normal(size=(1, 8)).astype(np.float32)
    np.testing.assert_allclose(restored.translate(x, attribute=z).numpy(),
                               result.model.translate(x, attribute=z).numpy(), atol=1e-5)


@pytest.mark.timeout(300)
def test_multi_domain_run_trains_on_synthetic_domains_and_resumes(tmp_path):
    workdir = tmp_path / "mdmm"
    first = train(tiny_mdmm_config(), workdir)
    assert first.step == 2 and checkpoint_steps(workdir) == {2}
    resumed = train(tiny_mdmm_config(train__num_steps=3, train__checkpoint_every=1), workdir)
    assert resumed.step == 3 and checkpoint_steps(workdir) >= {2, 3}
    assert int(resumed.model.g_optimizer.iterations) == 3
    restored = load_trained_model(workdir)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 64, 64, 3)).astype(np.float32)
    z = np.random.default_rng(1).normal(size=(2, 8)).astype(np.float32)
    for domain in range(3):
        np.testing.assert_allclose(restored.translate(x, domain, attribute=z).numpy(),
                                   resumed.model.translate(x, domain, attribute=z).numpy(), atol=1e-5)
