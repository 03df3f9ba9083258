"""tools/convert.py --model=munit|unit: official trainer snapshots (gen_<iter>.pt / dis_<iter>.pt =
{'a': state_dict, 'b': state_dict}, written here without torch) and the run's YAML config become
run folders whose restored model reproduces the official fixture outputs; files that do not fit
fail clearly."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
import yaml

from tests.helpers_export import run_tools
from tests.helpers_fixtures import fixture_dir
from tests.official_munit_state import unit_generator_state
from tests.pth_writer import torch_save
from tf_i2i.convert.official_munit import MUNIT_CONVERTER, UNIT_CONVERTER, read_official_config
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.export.workdir import load_run_config, load_trained_model
from tf_i2i.registry import build_model
from tools.fixtures.fixture import load_fixture



def _snapshot(shared_dir: Path, name: str, tmp_path: Path, monkeypatch):
    """The fixture's weights as the official trainer saves them, and its options as a YAML config
    (with some training options the converter ignores)."""
    path = fixture_dir(shared_dir, name)
    fixture = load_fixture(path)
    for kind in ("gen", "dis"):
        pair = {d: fixture.state_dict(f"{kind}_{d}").arrays for d in "ab"}
        torch_save(tmp_path / f"{kind}_00010000.pt", pair, monkeypatch)
    config = {"lr": 0.0001, "batch_size": 1, **fixture.config["official_options"]}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    return fixture


def _nchw(y) -> np.ndarray:
    return np.transpose(np.asarray(y), (0, 3, 1, 2))


def _assert_close(ours: np.ndarray, official: np.ndarray) -> None:
    assert ours.shape == official.shape
    assert np.max(np.abs(ours - official)) <= 1e-4 * max(1.0, np.abs(official).max())


def test_munit_snapshot_converts_through_the_cli(shared_dir, tmp_path, monkeypatch):
    fixture = _snapshot(shared_dir, "munit", tmp_path, monkeypatch)
    (proc,) = run_tools(("convert", "--model=munit", f"--checkpoint={tmp_path / 'gen_00010000.pt'}",
                         f"--checkpoint_d={tmp_path / 'dis_00010000.pt'}",
                         f"--official_config={tmp_path / 'config.yaml'}", f"--output={tmp_path / 'out'}"), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = tmp_path / "out"
    assert sorted(p.name for p in run.iterdir()) == ["checkpoints", "config.json", "options.json"]
    model = load_trained_model(run)
    x_ab = model.translate(fixture.input_nhwc("x_a"), "a2b", style=fixture.arrays["in/s_b"].reshape(2, -1))
    _assert_close(_nchw(x_ab), fixture.arrays["out/x_ab"])
    full = build_model(load_run_config(run))  # the discriminators are saved as training saves them too
    full.build_generators()
    full.dis_b.build((None, None, None, 3))
    tf.train.Checkpoint(network_weights={"dis_b": full.network_weights()["dis_b"]}).restore(
        tf.train.latest_checkpoint(str(run / "checkpoints"))).expect_partial().assert_existing_objects_matched()
    scores = full.dis_b(fixture.input_nhwc("dis_b_x"), training=False)
    _assert_close(_nchw(scores[2][-1]), fixture.arrays["out/dis_b_scale2"])


def test_unit_generators_convert_without_the_discriminators(shared_dir, tmp_path, monkeypatch):
    fixture = _snapshot(shared_dir, "unit", tmp_path, monkeypatch)
    run = tmp_path / "out"
    UNIT_CONVERTER.run({"checkpoint": tmp_path / "gen_00010000.pt", "official_config": tmp_path / "config.yaml"},
                       {}, run)
    model = load_trained_model(run)
    _assert_close(_nchw(model.translate(fixture.input_nhwc("x_b"), "b2a")), fixture.arrays["out/x_ba"])


GEN = dict(dim=2, n_downsample=1, n_res=1, activ="relu", pad_type="reflect")
DIS = dict(dim=2, norm="none", activ="lrelu", n_layer=2, gan_type="lsgan", num_scales=1, pad_type="reflect")


def _convert(converter, gen: Path, config: Path, out: Path) -> Path:
    return converter.run({"checkpoint": gen, "official_config": config}, {}, out)


@pytest.fixture
def unit_files(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    pair = {d: unit_generator_state(3, GEN, rng) for d in "ab"}
    torch_save(tmp_path / "gen.pt", pair, monkeypatch)
    torch_save(tmp_path / "flat.pt", pair["a"], monkeypatch)
    (tmp_path / "unit.yaml").write_text(yaml.safe_dump({"gen": GEN, "dis": DIS, "input_dim_a": 3, "input_dim_b": 3}))
    return tmp_path


def test_files_that_do_not_fit_are_named(unit_files, tmp_path):
    with pytest.raises(ConversionError, match=r"flat\.pt: expected a dict with entries \['a', 'b'\]"):
        _convert(UNIT_CONVERTER, unit_files / "flat.pt", unit_files / "unit.yaml", tmp_path / "o1")
    with pytest.raises(ConversionError, match=r"'gen' options lack \['style_dim', 'mlp_dim'\]"):
        _convert(MUNIT_CONVERTER, unit_files / "gen.pt", unit_files / "unit.yaml", tmp_path / "o2")
    (tmp_path / "deeper.yaml").write_text(yaml.safe_dump({"gen": {**GEN, "n_res": 2}, "dis": DIS,
                                                          "input_dim_a": 3, "input_dim_b": 3}))
    with pytest.raises(ConversionError, match=r"gen\.pt\['a'\]: missing key 'enc\.model\.2\.model\.1\.model\.0"):
        _convert(UNIT_CONVERTER, unit_files / "gen.pt", tmp_path / "deeper.yaml", tmp_path / "o3")
    assert not (tmp_path / "o3").exists()
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"gen": GEN, "input_dim_a": 3, "input_dim_b": 3}))
    with pytest.raises(ConversionError, match=r"no 'gen:' and 'dis:' sections"):
        read_official_config(tmp_path / "bad.yaml", "unit")
    (tmp_path / "one.yaml").write_text(yaml.safe_dump({"gen": GEN, "dis": DIS, "input_dim_a": 3}))
    with pytest.raises(ConversionError, match=r"input_dim_b=None must be an integer >= 1"):
        read_official_config(tmp_path / "one.yaml", "unit")
