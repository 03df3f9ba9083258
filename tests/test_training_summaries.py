"""What a run leaves for TensorBoard and for a quick look: a scalar per loss term, both learning
rates following the schedule, sample-image summaries and non-blank samples/*.png."""

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import read_summaries, tiny_config
from tf_i2i.training.loop import train
from tf_i2i.training.schedules import LinearDecay

CYCLEGAN_TERMS = {"g_gan_ab", "g_gan_ba", "g_cycle_a", "g_cycle_b", "g_idt_a", "g_idt_b",
                  "d_a_real", "d_a_fake", "d_b_real", "d_b_fake"}
STEPS, G_LR, D_LR, CONSTANT, DECAY = 6, 2e-4, 1e-4, 2, 3


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("summaries")
    config = tiny_config("cyclegan", train__num_steps=STEPS, optim__g_lr=G_LR, optim__d_lr=D_LR,
                         optim__schedule="linear", optim__constant_steps=CONSTANT, optim__decay_steps=DECAY)
    result = train(config, workdir)
    return workdir, result, *read_summaries(workdir / "logs")


@pytest.mark.timeout(120)
def test_every_loss_term_is_a_scalar_at_every_logged_step(run):
    _, result, scalars, _ = run
    assert set(scalars) == {f"loss/{t}" for t in CYCLEGAN_TERMS} | {"lr/lr_g", "lr/lr_d", "speed/steps_per_sec"}
    assert all(sorted(steps) == list(range(1, STEPS + 1)) for steps in scalars.values())
    for term in CYCLEGAN_TERMS:  # log_every=1: the last point is the last step's value
        assert np.isclose(scalars[f"loss/{term}"][STEPS], result.last_logs[term], rtol=1e-6)


@pytest.mark.timeout(120)
def test_logged_learning_rates_follow_the_schedule(run):
    """Step s (1-based) applies the rate of optimizer step s-1, and that is what gets logged."""
    _, _, scalars, _ = run
    for tag, base in (("lr/lr_g", G_LR), ("lr/lr_d", D_LR)):
        logged = [float(scalars[tag][s]) for s in range(1, STEPS + 1)]
        expected = [float(LinearDecay(base, CONSTANT, DECAY)(s - 1)) for s in range(1, STEPS + 1)]
        np.testing.assert_allclose(logged, expected, rtol=1e-6, atol=1e-12, err_msg=tag)
    assert float(scalars["lr/lr_g"][STEPS]) == 0.0, "the decay should have reached zero"


@pytest.mark.timeout(120)
def test_sample_grids_are_logged_and_saved(run):
    workdir, _, _, images = run
    (tag,) = images
    assert tag == "samples/real_A|fake_B|rec_A|real_B|fake_A|rec_B"
    assert sorted(images[tag]) == [3, 6]
    pngs = sorted(p.name for p in (workdir / "samples").glob("*.png"))
    assert pngs == ["step_0000003.png", "step_0000006.png"]
    for name in pngs:
        grid = tf.io.decode_png(tf.io.read_file(str(workdir / "samples" / name))).numpy()
        assert grid.shape == (2 * 32, 6 * (32 + 2), 3)  # 2 examples x 6 columns with 2 px gaps
        assert grid.std() > 10, f"{name} is (nearly) constant"
        real_a, fake_b = grid[:, :32].astype(int), grid[:, 34:66].astype(int)
        assert np.abs(real_a - fake_b).mean() > 5, "the output column just repeats the input"
    logged = tf.io.decode_png(images[tag][6][2]).numpy()
    saved = tf.io.decode_png(tf.io.read_file(str(workdir / "samples" / "step_0000006.png"))).numpy()
    np.testing.assert_array_equal(logged, saved)
