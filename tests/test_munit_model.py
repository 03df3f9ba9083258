"""MUNIT's train_step and inference API: every official loss term is logged and finite, the
reconstructions improve, the official init is applied, style codes steer the output (random,
given, a reference's), mixed bfloat16 trains (one-channel domains: test_munit_training)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import fixed_batch_trainer, max_abs_diff, snapshot
from tf_i2i.models.codes import interpolate_styles, sample_styles

STYLE_DIM = 8
BASE_TERMS = {f"g_{name}_{d}" for name in ("adv", "recon_x", "recon_s", "recon_c") for d in "ab"}
D_TERMS = {f"d_{d}_{kind}" for d in "ab" for kind in ("real", "fake")}


def _trainer(**overrides):
    return fixed_batch_trainer("munit", **overrides)


@pytest.fixture(scope="module")
def fixed_batch_run():
    """A tiny model after 30 steps on one fixed batch at 10x the official rate (so that 30 steps of
    a 4-filter net show a clear trend), with each step's log names and reconstruction loss; the
    model is shared by the inference tests."""
    model, step, batches, batch = _trainer(optim__schedule="constant", optim__g_lr=1e-3, optim__d_lr=1e-3)
    names, history = [], []
    for _ in range(30):
        logs = step(batches)
        names.append(set(logs))
        history.append(float(logs["g_recon_x_a"] + logs["g_recon_x_b"]))
    return model, batch, names, history


@pytest.fixture(scope="module")
def trained(fixed_batch_run):
    model, batch, _, _ = fixed_batch_run
    return model, batch


def test_every_term_is_logged_and_every_part_trains_including_cycle_and_perceptual():
    model, step, batches, _ = _trainer(model__loss__recon_x_cyc_w=10.0, model__loss__vgg_w=1.0)
    parts = [model.gen_a.enc_style, model.gen_a.enc_content, model.gen_b.dec, model.gen_b.mlp, model.dis_a]
    before = [snapshot(p.trainable_variables) for p in parts]
    logs = {k: float(v) for k, v in step(batches).items()}
    for part, old in zip(parts, before, strict=True):
        assert max_abs_diff(old, snapshot(part.trainable_variables)) > 0, part.name
    expected = BASE_TERMS | D_TERMS | {"g_cyc_x_a", "g_cyc_x_b", "g_vgg_a", "g_vgg_b", "lr_g", "lr_d"}
    assert set(logs) == expected
    assert all(np.isfinite(v) for v in logs.values()), logs
    assert model.vgg is not None and not model.vgg.trainable_weights
    assert logs["lr_g"] == pytest.approx(1e-4) and logs["lr_d"] == pytest.approx(1e-4)


@pytest.mark.timeout(120)
def test_reconstruction_losses_fall_on_a_fixed_batch(fixed_batch_run):
    _, _, names, history = fixed_batch_run
    assert all(n == BASE_TERMS | D_TERMS | {"lr_g", "lr_d"} for n in names), names
    assert np.all(np.isfinite(history)) and np.mean(history[-3:]) < 0.6 * history[0], history


def test_official_init_draws_kaiming_generators_and_gaussian_discriminators():
    model, _, _, _ = _trainer(model__generator__dim=16, model__discriminator__dim=16)
    conv = model.gen_a.enc_content.convs[1].conv  # k4 16 -> 32: fan_in 4 * 4 * 16
    assert float(np.std(conv.kernel.numpy())) == pytest.approx(np.sqrt(2 / 256), rel=0.1)
    assert not np.any(conv.bias.numpy())
    kernels = np.concatenate([v.numpy().ravel() for v in model.dis_b.trainable_variables if "kernel" in v.path])
    assert float(np.std(kernels)) == pytest.approx(0.02, rel=0.1)


def test_style_codes_steer_the_translation(trained):
    model, batch = trained
    z1, z2 = (tf.constant(sample_styles(2, STYLE_DIM, seed=s)) for s in (1, 2))
    first, again, other = (model.translate(batch["A"], style=z).numpy() for z in (z1, z1, z2))
    np.testing.assert_array_equal(first, again)
    assert np.mean(np.abs(first - other)) > 1e-3
    random_1, random_2 = model.translate(batch["A"]).numpy(), model.translate(batch["A"]).numpy()
    assert np.mean(np.abs(random_1 - random_2)) > 1e-3  # style=None draws new codes: multimodal
    assert first.shape == batch["B"].shape and first.dtype == np.float32


def test_guided_translation_uses_the_references_code(trained):
    model, batch = trained
    code = model.style_code(batch["B"], "b")
    assert code.shape == (2, STYLE_DIM)
    np.testing.assert_allclose(model.style_code(batch["B"][:, :16, :24], "b").shape, (2, STYLE_DIM))  # any size
    guided = model.translate(batch["A"], style=code).numpy()
    content = model.gen_a.enc_content(batch["A"], training=False)
    by_hand = model.gen_b.decode(content, model.gen_b.enc_style(batch["B"], training=False), training=False)
    np.testing.assert_allclose(guided, by_hand.numpy(), atol=1e-6)
    swapped = model.translate(batch["A"], style=code[::-1]).numpy()  # each row takes the other reference
    assert np.mean(np.abs(guided - swapped)) > 1e-4
    back = model.translate(batch["B"], "b2a", style=model.style_code(batch["A"], "a"))
    assert back.shape == batch["A"].shape


def test_interpolated_codes_end_at_the_references(trained):
    model, batch = trained
    codes = model.style_code(batch["B"], "b").numpy()
    path = interpolate_styles(codes[0], codes[1], 3)
    x = batch["A"][:1]
    for end, code in ((path[:1], codes[:1]), (path[2:], codes[1:])):
        np.testing.assert_allclose(model.translate(x, style=end).numpy(), model.translate(x, style=code).numpy(),
                                   atol=1e-6)


def test_sample_grid_columns(trained):
    model, batch = trained
    shown = model.sample_images(batch)
    assert list(shown)[:2] == ["real_A", "rec_A"] and "A2B_guided" in shown and "B2A_s2" in shown
    assert len(shown) == 12 and all(v.shape[0] == 2 for v in shown.values())
    again = model.sample_images(batch)
    np.testing.assert_array_equal(shown["A2B_s0"], again["A2B_s0"])  # fixed codes: grids compare over steps


def test_bad_arguments_fail_clearly(trained):
    model, batch = trained
    with pytest.raises(ValueError, match="direction"):
        model.translate(batch["A"], direction="a2a")
    with pytest.raises(ValueError, match="domain"):
        model.style_code(batch["A"], "c")
    with pytest.raises(ValueError, match=r"style must be \[batch, 8\]"):
        model.translate(batch["A"], style=np.zeros([2, 4], np.float32))


def test_mixed_bfloat16_step_is_finite():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # conftest restores float32
    model, step, batches, batch = _trainer(train__mixed_precision="mixed_bfloat16", model__loss__vgg_w=1.0)
    assert model.gen_a.enc_content.compute_dtype == "bfloat16"
    for _ in range(2):
        logs = {k: float(v) for k, v in step(batches).items()}
        assert all(np.isfinite(v) for v in logs.values()), logs
    z = tf.constant(sample_styles(2, STYLE_DIM, seed=3))
    out = model.translate(batch["A"], style=z)
    assert out.dtype == tf.float32 and np.all(np.isfinite(out.numpy()))
    serve = {e.name: e for e in model.export_endpoints()}["serve"]  # exports compute in float32
    assert all(net.compute_dtype == "float32" for net in serve.networks)
    np.testing.assert_allclose(serve.fn(batch["A"], z).numpy(), out.numpy(), atol=0.1)
