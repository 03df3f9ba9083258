"""tools/convert.py --model=cyclegan|pix2pix on the ../shared fixture's official resnet_9blocks
weights: the run folder reproduces the official output; a lone G_A is a one-generator run; G_B is
built with the channel counts swapped; options that do not fit name the official key."""

from pathlib import Path

import numpy as np
import pytest

from tf_i2i.convert.official_pix2pix import CYCLEGAN, OFFICIAL_DEFAULTS
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.export.workdir import load_run_config, load_trained_model

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "cyclegan_pix2pix" / "fixture.npz"


@pytest.fixture
def resnet_checkpoint(tmp_path) -> Path:
    """The fixture's official resnet_9blocks (ngf 8) weights as a DataParallel-style state_dict file."""
    if not FIXTURE.is_file():
        pytest.skip(f"{FIXTURE} is absent (the reference fixtures live in ../shared, beside the repo)")
    with np.load(FIXTURE) as z:
        arrays = {"module." + k.split("/", 1)[1]: z[k] for k in z.files if k.startswith("netG_resnet/")}
    np.savez(tmp_path / "latest_net_G_A.npz", **arrays)
    return tmp_path / "latest_net_G_A.npz"


def test_official_defaults_per_model():
    assert OFFICIAL_DEFAULTS["pix2pix"]["netG"] == "unet_256" and OFFICIAL_DEFAULTS["pix2pix"]["no_dropout"] is False
    assert OFFICIAL_DEFAULTS["cyclegan"]["norm"] == "instance" and OFFICIAL_DEFAULTS["cyclegan"]["no_dropout"] is True


def test_a_lone_g_a_is_a_one_generator_run_with_the_official_output(resnet_checkpoint, tmp_path):
    run = tmp_path / "run"
    assert CYCLEGAN.run({"checkpoint": resnet_checkpoint}, {"ngf": 8}, run) == run / "config.json"
    assert load_run_config(run).model.name == "pix2pix"
    gen = load_trained_model(run).generator
    with np.load(FIXTURE) as z:
        x, official = z["in/netG_resnet_x"], z["out/netG_resnet"]
    ours = np.transpose(np.asarray(gen(np.transpose(x, (0, 2, 3, 1)), training=False)), (0, 3, 1, 2))
    assert np.max(np.abs(ours - official)) <= 1e-4


def test_cyclegan_g_b_swaps_the_channel_counts(resnet_checkpoint, tmp_path):
    """G_A maps 3 -> 1 channels (head conv sliced), G_B 1 -> 3 (stem conv sliced): each only loads
    with its own channel counts."""
    with np.load(resnet_checkpoint) as z:
        arrays = dict(z)
    g_a = {**arrays, "module.model.26.weight": arrays["module.model.26.weight"][:1],
           "module.model.26.bias": arrays["module.model.26.bias"][:1]}
    g_b = {**arrays, "module.model.1.weight": arrays["module.model.1.weight"][:, :1]}
    np.savez(tmp_path / "g_a.npz", **g_a)
    np.savez(tmp_path / "g_b.npz", **g_b)
    run = tmp_path / "run"
    CYCLEGAN.run({"checkpoint": tmp_path / "g_a.npz", "checkpoint_b": tmp_path / "g_b.npz"},
                 {"ngf": 8, "output_nc": 1}, run)
    model = load_trained_model(run)
    assert model.gen_ab(np.zeros((1, 8, 8, 3), np.float32)).shape == (1, 8, 8, 1)
    assert model.gen_ba(np.zeros((1, 8, 8, 1), np.float32)).shape == (1, 8, 8, 3)


@pytest.mark.parametrize("options, message", [
    (dict(ngf=16), r"model\.1\.weight: expected shape \[16, 3, 7, 7\], found \[8, 3, 7, 7\]"),
    (dict(ngf=8, no_dropout=False), r"model\.10\.conv_block\.6\.weight"),  # dropout shifts the block's indices
    (dict(ngf=8, netG="resnet_6blocks"), r"model\.16\.weight"),  # the up conv after 6 blocks
    (dict(ngf=8, netG="unet_256"), r"model\.model\.0\.weight"),
])
def test_options_that_do_not_fit_name_the_official_key(resnet_checkpoint, tmp_path, options, message):
    with pytest.raises(ConversionError, match=message):
        CYCLEGAN.run({"checkpoint": resnet_checkpoint}, options, tmp_path / "x")
    assert not (tmp_path / "x").exists()
