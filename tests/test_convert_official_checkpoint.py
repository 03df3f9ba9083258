"""tools/convert.py: an official CycleGAN generator checkpoint becomes Keras weights that reproduce the
official output; a checkpoint that does not fit the options fails naming the official key."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tf_i2i.convert.official_checkpoint import (convert_generators, generator_options,
                                                load_converted_generators)
from tf_i2i.convert.state_dict import ConversionError

REPO = Path(__file__).resolve().parents[1]
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
    assert generator_options("pix2pix") == dict(input_nc=3, output_nc=3, ngf=64, netG="unet_256", norm="batch",
                                                use_dropout=True)
    assert generator_options("cyclegan", ngf=8, norm=None)["norm"] == "instance"
    assert generator_options("cyclegan")["use_dropout"] is False
    with pytest.raises(ConversionError, match="unknown option"):
        generator_options("cyclegan", n_blocks=3)


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
    out = tmp_path / "converted"
    manifest = convert_generators("cyclegan", tmp_path / "g_a.npz", out, checkpoint_b=tmp_path / "g_b.npz",
                                  ngf=8, output_nc=1)
    entries = json.loads(manifest.read_text())["generators"]
    assert (entries["G_A"]["official_options"]["input_nc"], entries["G_A"]["official_options"]["output_nc"]) == (3, 1)
    assert (entries["G_B"]["official_options"]["input_nc"], entries["G_B"]["official_options"]["output_nc"]) == (1, 3)
    assert sorted(p.name for p in out.iterdir()) == ["G_A.weights.h5", "G_B.weights.h5", "options.json"]
    nets = load_converted_generators(out)
    assert nets["G_A"](np.zeros((1, 8, 8, 3), np.float32)).shape == (1, 8, 8, 1)
    assert nets["G_B"](np.zeros((1, 8, 8, 1), np.float32)).shape == (1, 8, 8, 3)


def test_round_trip_through_the_weights_file(resnet_checkpoint, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "convert.py"), "--model=cyclegan", f"--checkpoint={resnet_checkpoint}",
         "--ngf=8", f"--output={tmp_path / 'out'}"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    gen = load_converted_generators(tmp_path / "out")["G_A"]
    with np.load(FIXTURE) as z:
        x, official = z["in/netG_resnet_x"], z["out/netG_resnet"]
    ours = np.transpose(np.asarray(gen(np.transpose(x, (0, 2, 3, 1)), training=False)), (0, 3, 1, 2))
    assert np.max(np.abs(ours - official)) <= 1e-4


@pytest.mark.parametrize("options, key", [
    (dict(ngf=16), "model.1.weight"),                                # width: shape mismatch
    (dict(ngf=8, no_dropout=False), "model.10.conv_block.6.weight"),  # dropout shifts the block's indices
    (dict(ngf=8, netG="resnet_6blocks"), "model.16.weight"),  # the up conv after 6 blocks
    (dict(ngf=8, netG="unet_256"), "model.model.0.weight"),
])
def test_options_that_do_not_fit_name_the_official_key(resnet_checkpoint, tmp_path, options, key):
    with pytest.raises(ConversionError, match=key.replace(".", r"\.")):
        convert_generators("cyclegan", resnet_checkpoint, tmp_path / "x", **options)
