"""tools/convert.py --model=drit | drit_md: official DRIT.save / MD_multi.save checkpoints (written here
without torch from the parameters of the ../shared fixtures, which use widths W and M) become run
folders whose restored model reproduces the official outputs; options and folders that do not fit
fail clearly."""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import run_tools
from tests.helpers_fixtures import fixture_dir
from tests.pth_writer import torch_save
from tf_i2i.convert.official_drit import convert_drit
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.export.workdir import load_run_config, load_trained_model
from tf_i2i.registry import build_model
from tools.fixtures.fixture import Fixture, load_fixture

# What DRIT.save / MD_multi.save add to the networks: optimiser states and counters (ignored).
TRAINER_STATE = {"gen_opt": {"state": {0: {"exp_avg": np.zeros(3, np.float32)}}}, "ep": np.int64(7),
                 "total_it": np.int64(700)}


def _fixture(shared_dir: Path, name: str) -> Fixture:
    return load_fixture(fixture_dir(shared_dir, name))


def _widths(fixture: Fixture) -> dict[str, int]:
    widths = fixture.config["width_substitution"]
    return {"dim": widths["W"], "mlp_dim": widths["M"]}


def _checkpoint(path: Path, fixture: Fixture, roles: dict[str, str], monkeypatch) -> Path:
    """The official checkpoint dict: official role -> the state_dict of a fixture role, plus trainer state."""
    state = {official: fixture.state_dict(role).arrays for official, role in roles.items()}
    return torch_save(path, {**state, **TRAINER_STATE}, monkeypatch)


def _networks(run: Path) -> list[str]:
    return json.loads((run / "options.json").read_text())["networks"]


def _assert_close(ours, official: np.ndarray) -> None:
    ours = np.asarray(ours)
    if ours.ndim == 4:
        ours = np.transpose(ours, (0, 3, 1, 2))
    assert ours.shape == official.shape
    assert np.max(np.abs(ours - official)) <= 1e-4


def test_drit_checkpoint_becomes_a_run_folder_with_the_official_outputs(shared_dir, tmp_path, monkeypatch):
    fixture = _fixture(shared_dir, "drit")
    roles = {"enc_c": "enc_c", "enc_a": "enc_a_concat", "gen": "gen_concat", "disA": "disA", "disA2": "disA",
             "disB": "disB", "disB2": "disB", "disContent": "disContent"}
    checkpoint = _checkpoint(tmp_path / "00007.pth", fixture, roles, monkeypatch)
    run = tmp_path / "run"
    assert convert_drit("drit", checkpoint, run, {}, **_widths(fixture)) == run / "config.json"
    assert _networks(run) == list(roles)
    model = load_trained_model(run)
    x_a, x_b = fixture.input_nhwc("x_a"), fixture.input_nhwc("x_b")
    out = fixture.arrays
    _assert_close(model.translate(x_a, "a2b", attribute=out["out/z_attr_b"]), out["out/fake_B_encoded"])
    _assert_close(model.translate(x_b, "b2a", attribute=out["out/z_attr_a"]), out["out/fake_A_encoded"])
    _assert_close(model.attribute_code(x_b, "b"), out["out/mu_b"])
    # The discriminators are saved as training saves them too.
    full = build_model(load_run_config(run))
    full.dis_b.build((None, None, None, 3))
    full.dis_content.build((None, None, None, 4 * _widths(fixture)["dim"]))
    weights = {name: w for name, w in full.network_weights().items() if name in ("disB", "disContent")}
    tf.train.Checkpoint(network_weights=weights).restore(
        tf.train.latest_checkpoint(str(run / "checkpoints"))).expect_partial().assert_existing_objects_matched()
    _assert_close(full.dis_b(fixture.input_nhwc("disB_x"))[2][-1], out["out/disB_scale2"])
    _assert_close(np.reshape(full.dis_content.features(fixture.input_nhwc("dis_content_x"))[-1], -1),
                  out["out/disContent"])


def test_drit_feature_wise_variant_converts_through_the_cli(shared_dir, tmp_path, monkeypatch):
    fixture = _fixture(shared_dir, "drit")
    roles = {"enc_c": "enc_c", "enc_a": "enc_a_plain", "gen": "gen_plain"}
    checkpoint = _checkpoint(tmp_path / "00007.pth", fixture, roles, monkeypatch)
    run = tmp_path / "run"
    widths = _widths(fixture)
    (proc,) = run_tools(("convert", "--model=drit", f"--checkpoint={checkpoint}", "--concat=0",
                         f"--dim={widths['dim']}", f"--mlp_dim={widths['mlp_dim']}", f"--output={run}"), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"wrote {run / 'config.json'}" in proc.stdout
    assert _networks(run) == list(roles)
    model = load_trained_model(run)
    out = fixture.arrays
    x_a = fixture.input_nhwc("x_a")
    _assert_close(model.translate(x_a, "a2b", attribute=out["out/z_attr_plain_b"]), out["out/fake_B_plain"])
    _assert_close(model.attribute_code(x_a, "a"), out["out/z_attr_plain_a"])


def test_mdmm_checkpoint_becomes_a_run_folder_with_the_official_outputs(shared_dir, tmp_path, monkeypatch):
    fixture = _fixture(shared_dir, "mdmm")
    roles = {"enc_c": "enc_c", "enc_a": "enc_a_concat", "gen": "gen_concat", "dis1": "dis1", "dis2": "dis1",
             "disContent": "disContent"}
    checkpoint = _checkpoint(tmp_path / "00007.pth", fixture, roles, monkeypatch)
    official = fixture.config["official_options"]
    opts = dict(input_dim_a=official["input_dim"], num_domains=official["num_domains"],
                crop_size=official["crop_size"], isDcontent=True)
    run = tmp_path / "run"
    convert_drit("drit_md", checkpoint, run, opts, **_widths(fixture))
    assert _networks(run) == list(roles)
    config = load_run_config(run)
    assert (config.data.num_domains, config.data.crop_size, config.model.content_discriminator) == (3, 64, True)
    model = load_trained_model(run)
    x, out = fixture.input_nhwc("x"), fixture.arrays
    for i in range(3):
        domains = np.argmax(out[f"in/c_trg{i}"], axis=1)
        _assert_close(model.translate(x, domains, attribute=out["in/z_random"]), out[f"out/gen_concat_to_domain{i}"])
    _assert_close(model.attribute_code(x, np.argmax(out["in/c_org"], axis=1)), out["out/mu"])


def test_options_that_do_not_fit_the_checkpoint_name_the_first_key(shared_dir, tmp_path, monkeypatch):
    fixture = _fixture(shared_dir, "drit")
    roles = {"enc_c": "enc_c", "enc_a": "enc_a_concat", "gen": "gen_concat"}
    checkpoint = _checkpoint(tmp_path / "00007.pth", fixture, roles, monkeypatch)
    with pytest.raises(ConversionError, match=r"00007.pth\['enc_a'\]: missing key 'model_a\.1\.weight'"):
        convert_drit("drit", checkpoint, tmp_path / "run", {"concat": 0}, **_widths(fixture))
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("model, given, message", [
    ("drit", dict(dis_norm="Batch"), "dis_norm='Batch'"),
    ("drit", dict(input_dim_b=0), "input_dim_b=0"),
    ("drit_md", dict(isDcontent="yes"), "isDcontent='yes' must be a bool"),
    ("drit_md", dict(crop_size=32), "crop_size=32 must be an integer >= 64"),
])
def test_bad_options_fail_before_the_checkpoint_is_read(model, given, message, tmp_path):
    with pytest.raises(ConversionError, match=message):
        convert_drit(model, tmp_path / "absent.pth", tmp_path / "run", given)


def test_unknown_options_old_checkpoints_and_missing_networks_are_errors(tmp_path, monkeypatch):
    with pytest.raises(ConversionError, match=r"unknown MDMM option\(s\) \['dis_scale'\]"):
        convert_drit("drit_md", tmp_path / "absent.pth", tmp_path / "run", {"dis_scale": 3})
    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    with pytest.raises(ConversionError, match="checkpoints exists"):
        convert_drit("drit", tmp_path / "absent.pth", tmp_path / "run", {})
    with pytest.raises(ConversionError, match="absent.pth not found"):
        convert_drit("drit", tmp_path / "absent.pth", tmp_path / "new", {})
    partial = torch_save(tmp_path / "gen_only.pth", {"gen": {"w": np.zeros(1, np.float32)}, **TRAINER_STATE},
                         monkeypatch)
    with pytest.raises(ConversionError, match=r"no \['enc_c', 'enc_a'\] in the checkpoint"):
        convert_drit("drit_md", partial, tmp_path / "new", {})

