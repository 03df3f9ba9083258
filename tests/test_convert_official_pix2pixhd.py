"""tools/convert.py --model=pix2pixhd: official netG/netE/netD files and opt.txt become a run folder
whose rebuilt model reproduces the official outputs, and options that do not fit fail clearly.

tests/data/pix2pixhd holds tiny official-layout .pth files with random weights and their opt.txt,
written by tests/data/pix2pixhd/make_checkpoints.py (torch); the fixture tests use ../shared.
"""

import json
from pathlib import Path

import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_fixtures import fixture_dir
from tests.helpers_export import run_tools
from tf_i2i.convert.official_pix2pixhd import convert_pix2pixhd, official_options
from tf_i2i.convert.pth import read_pth
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.models.base import GANModel
from tf_i2i.registry import build_model

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "pix2pixhd"
TINY = dict(checkpoint=DATA / "latest_net_G.pth", checkpoint_e=DATA / "latest_net_E.pth",
            checkpoint_d=DATA / "latest_net_D.pth")


def _nhwc(x: np.ndarray) -> np.ndarray:
    return np.transpose(x, (0, 2, 3, 1))


def _write_opt_file(path: Path, options: dict) -> Path:
    lines = "".join(f"{k}: {v}\n" for k, v in sorted(options.items()))
    path.write_text(f"------------ Options -------------\n{lines}-------------- End ----------------\n")
    return path


def _restored(run: Path, batch: dict) -> GANModel:
    """The run folder's model with every network the checkpoint holds restored, as export restores it."""
    model = build_model(_config(run))
    model.build_networks(batch)
    saved = {name.split("/")[1] for name, _ in tf.train.list_variables(str(run / "checkpoints"))
             if name.startswith("network_weights/")}
    weights = {k: v for k, v in model.network_weights().items() if k in saved}
    assert set(weights) == saved
    tf.train.Checkpoint(network_weights=weights).restore(
        tf.train.latest_checkpoint(str(run / "checkpoints"))).assert_existing_objects_matched()
    return model


def _config(run: Path) -> ml_collections.ConfigDict:
    return ml_collections.ConfigDict(json.loads((run / "config.json").read_text()))


def test_opt_file_gives_typed_official_options(tmp_path):
    opts = official_options(DATA / "opt.txt")
    assert (opts["label_nc"], opts["instance_feat"], opts["lambda_feat"], opts["netG"]) == (2, True, 10.0, "global")
    assert opts["no_vgg_loss"] is True and "gpu_ids" not in opts  # only options our conversion uses
    assert official_options(DATA / "opt.txt", ngf=2) == opts  # agreeing flags are fine
    with pytest.raises(ConversionError, match=r"ngf=4 \(opt file: 2\)"):
        official_options(DATA / "opt.txt", ngf=4)
    bad = _write_opt_file(tmp_path / "opt.txt", {"no_instance": "yes"})
    with pytest.raises(ConversionError, match=r"opt.txt:2 \(no_instance\): expected True or False"):
        official_options(bad)
    (tmp_path / "notes.txt").write_text("-------------- End ----------------\nngf: 64\n")
    with pytest.raises(ConversionError, match="not an official option file"):
        official_options(tmp_path / "notes.txt")
    with pytest.raises(ConversionError, match="unknown pix2pixHD option"):
        official_options(n_blocks=3)


def test_convert_tool_writes_a_run_folder_that_the_export_tool_accepts(tmp_path):
    """tools/convert.py on the official .pth files, and tools/export.py on a run folder converted
    in-process."""
    run, exported = tmp_path / "run", tmp_path / "exported"
    convert_pix2pixhd(TINY["checkpoint"], exported, official_options(DATA / "opt.txt"), checkpoint_e=TINY["checkpoint_e"])
    converted, export = run_tools(
        ("convert", "--model=pix2pixhd", f"--opt_file={DATA / 'opt.txt'}", *(f"--{k}={v}" for k, v in TINY.items()),
         f"--output={run}"),
        ("export", f"--workdir={exported}", "--tflite=", "--height=8", "--width=8"), timeout=300)
    assert converted.returncode == 0, converted.stderr[-2000:]
    model_cfg = _config(run).model
    assert (model_cfg.stage, model_cfg.label_nc, model_cfg.use_instance) == ("global", 2, True)
    assert model_cfg.generator.ngf == 2 and model_cfg.encoder.feat_num == 1 and model_cfg.discriminator.num_D == 1
    assert json.loads((run / "options.json").read_text())["checkpoints"]["netE"] == str(DATA / "latest_net_E.pth")
    batch = {"label": tf.zeros([1, 8, 8, 1], tf.int32), "instance": tf.zeros([1, 8, 8, 1], tf.int32),
             "image": tf.zeros([1, 8, 8, 3])}
    model = _restored(run, batch)
    for net, block, key in (("G", model.generator.head, "model.12.weight"),
                            ("E", model.encoder.net.stem, "model.1.weight"),
                            ("D", model.discriminator.scales[0].blocks[0], "scale0_layer0.0.weight")):
        official = read_pth(DATA / f"latest_net_{net}.pth")[key]
        np.testing.assert_array_equal(block.conv_layer.kernel, official.transpose(2, 3, 1, 0))
    assert export.returncode == 0, export.stderr[-2000:]
    assert (exported / "export" / "saved_model").is_dir()


@pytest.mark.parametrize("options, message", [
    (dict(label_nc=3), r"model\.1\.weight"),                       # input channels: shape mismatch
    (dict(n_blocks_global=2), r"missing key 'model\.8\.conv_block\.1\.weight'"),
    (dict(n_downsample_E=2), r"model\.7\.weight: expected shape \[\d+, \d+, 3, 3\], found"),   # netE: a second down conv
])
def test_options_that_do_not_fit_name_the_official_key(tmp_path, options, message):
    opts = {**official_options(DATA / "opt.txt"), **options}
    with pytest.raises(ConversionError, match=message):
        convert_pix2pixhd(TINY["checkpoint"], tmp_path / "run", opts, checkpoint_e=TINY["checkpoint_e"])


def test_missing_encoder_and_existing_checkpoints_are_refused(tmp_path):
    opts = official_options(DATA / "opt.txt")
    with pytest.raises(ConversionError, match="give netE"):
        convert_pix2pixhd(TINY["checkpoint"], tmp_path / "run", opts)
    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    with pytest.raises(ConversionError, match="checkpoints exists"):
        convert_pix2pixhd(TINY["checkpoint"], tmp_path / "run", opts, checkpoint_e=TINY["checkpoint_e"])


@pytest.fixture
def official(shared_dir, tmp_path) -> tuple[dict, dict[str, Path]]:
    """The fixture's config.json and its networks as one .npz checkpoint each (official key names)."""
    path = fixture_dir(shared_dir, "pix2pixHD")
    files = {}
    with np.load(path / "fixture.npz") as npz:
        arrays = dict(npz)
    for net in ("netG", "netG_local", "netD", "netE"):
        files[net] = tmp_path / f"latest_{net}.npz"
        np.savez(files[net], **{k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith(f"{net}/")})
    return arrays, {**files, "config": json.loads((path / "config.json").read_text())}


@pytest.mark.parametrize("stage, namespace, generator", [("global", "options", "netG"),
                                                         ("local", "options_netG_local", "netG_local")])
def test_converted_run_reproduces_the_official_fixture(official, tmp_path, stage, namespace, generator):
    """From label and instance maps and the real image, our model (one-hot + edges + netE features
    -> netG) gives the official netG output; netD gives every official feature map."""
    arrays, files = official
    opts = official_options(_write_opt_file(tmp_path / "opt.txt", files["config"][namespace]))
    run = tmp_path / stage
    convert_pix2pixhd(files[generator], run, opts, checkpoint_d=files["netD"], checkpoint_e=files["netE"])
    assert _config(run).model.stage == stage
    batch = {"label": tf.constant(np.rint(_nhwc(arrays["in/label_map"])).astype(np.int32)),
             "instance": tf.constant(np.rint(_nhwc(arrays["in/inst_map"])).astype(np.int32)),
             "image": tf.constant(_nhwc(arrays["in/real_image"]))}
    model = _restored(run, batch)
    np.testing.assert_allclose(model.generate(batch), _nhwc(arrays[f"out/{generator}"]), atol=1e-4)
    feats = model.discriminator(_nhwc(arrays["in/netD_input"]), training=False)
    for i, scale in enumerate(feats):
        for j, feat in enumerate(scale):
            official_feat = _nhwc(arrays[f"out/D/scale{i}/layer{j}"])
            np.testing.assert_allclose(feat, official_feat, atol=1e-4 * max(1.0, np.abs(official_feat).max()))
