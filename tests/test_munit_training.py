"""tools/train.py with configs/munit/synthetic.py (one-channel A, three-channel B): it trains, logs
every term, writes sample grids and checkpoints, exports at the end, a second run resumes, and the
restored model translates both ways; the configs keep the official defaults."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers_export import run_tools
from tests.helpers_training import checkpoint_steps, read_summaries, tiny_config, train_args
from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.export import load_trained_model
from tf_i2i.models.codes import sample_styles
from tf_i2i.training.loop import train

TERMS = {f"g_{name}_{d}" for name in ("adv", "recon_x", "recon_s", "recon_c") for d in "ab"}


def test_configs_keep_the_official_defaults():
    c = load_config_file(CONFIG_DIR / "munit" / "edges2shoes.py")
    m = c.model
    assert dict(m.generator) == dict(dim=64, mlp_dim=256, style_dim=8, activ="relu", n_downsample=2, n_res=4,
                                     pad_type="reflect")
    assert dict(m.discriminator) == dict(dim=64, norm="none", activ="lrelu", n_layer=4, gan_type="lsgan",
                                         num_scales=3, pad_type="reflect")
    assert {k: m.loss[k] for k in ("gan_w", "recon_x_w", "recon_s_w", "recon_c_w", "recon_x_cyc_w", "vgg_w")} == dict(
        gan_w=1, recon_x_w=10, recon_s_w=1, recon_c_w=1, recon_x_cyc_w=0, vgg_w=0)
    assert (m.weight_decay, m.init, c.optim.g_lr, c.optim.d_lr, c.optim.beta1, c.optim.beta2) == (
        1e-4, "kaiming", 1e-4, 1e-4, 0.5, 0.999)
    assert (c.optim.schedule, c.optim.step_size, c.optim.gamma, c.train.batch_size) == ("step", 100000, 0.5, 1)
    assert (c.data.layout, c.data.load_size, c.data.crop_size, c.data.source) == (
        "unpaired", 256, 256, "datasets/edges2shoes")
    c.data.a_channels = 1  # the model's channel counts are the data's
    assert (m.input_nc, m.output_nc) == (1, 3)


@pytest.mark.timeout(240)
def test_train_tool_trains_samples_checkpoints_exports_and_resumes(tmp_path):
    workdir = tmp_path / "run"
    (done,) = run_tools(("train", *train_args("munit", workdir, train__num_steps=4, train__sample_every=2,
                                              train__checkpoint_every=2, data__a_channels=1, export__at_end=True,
                                              export__tflite="", export__height=32, export__width=32)), timeout=200)
    assert done.returncode == 0, done.stderr[-3000:]
    assert checkpoint_steps(workdir) == {2, 4}
    assert sorted(p.name for p in (workdir / "samples").glob("*.png")) == ["step_0000002.png", "step_0000004.png"]
    assert (workdir / "export" / "saved_model" / "saved_model.pb").is_file()
    scalars, images = read_summaries(workdir / "logs")
    assert {f"loss/{t}" for t in TERMS} <= set(scalars) and set(scalars["loss/g_recon_x_a"]) == {1, 2, 3, 4}
    assert len(images) == 1 and set(next(iter(images.values()))) == {2, 4}

    resumed = train(tiny_config("munit", train__num_steps=6, train__checkpoint_every=2, data__a_channels=1), workdir)
    assert resumed.step == 6 and checkpoint_steps(workdir) >= {4, 6}
    restored = load_trained_model(workdir)
    x, z = np.random.default_rng(0).uniform(-1, 1, (1, 32, 32, 1)).astype(np.float32), sample_styles(1, 8, seed=1)
    np.testing.assert_allclose(restored.translate(x, style=z).numpy(), resumed.model.translate(x, style=z).numpy(),
                               atol=1e-5)
    assert restored.translate(np.ones([1, 32, 32, 3], np.float32), "b2a").shape[-1] == 1  # B -> grey A
    assert restored.style_code(x, "a").shape == (1, 8)
