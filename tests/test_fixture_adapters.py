"""tools/fixtures: the checker finds its adapters by their FIXTURE_MODELS (a new family is one new
module), and the converter only ever sees what a checkpoint holds (no fixture-only weight_effective)."""

import io
import json

import numpy as np
import pytest

import tools.fixtures
from tools.fixtures import cyclegan_pix2pix, drit, mdmm, munit, pix2pixhd, spade, vid2vid
from tools.fixtures.check import adapters, run
from tools.fixtures.fixture import Fixture

FAKE = '''
import numpy as np
FIXTURE_MODELS = ("fake_paper",)
def check(fixture):
    return {key: np.zeros_like(fixture.arrays[key]) for key in fixture.out_keys()}
'''


@pytest.fixture
def extra_adapter(tmp_path, monkeypatch):
    """A directory holding one more adapter module, added to the package's search path."""
    (tmp_path / "fake_adapter.py").write_text(FAKE)
    monkeypatch.setattr(tools.fixtures, "__path__", [*tools.fixtures.__path__, str(tmp_path)])
    adapters.cache_clear()
    yield tmp_path
    adapters.cache_clear()


def test_every_shared_family_has_its_adapter():
    assert adapters() == {"cyclegan_pix2pix": cyclegan_pix2pix.check, "pix2pixHD": pix2pixhd.check,
                          "SPADE": spade.check, "munit": munit.check, "unit": munit.check,
                          "drit": drit.check, "mdmm": mdmm.check, "vid2vid": vid2vid.check}


def test_a_new_adapter_module_is_found_and_used(extra_adapter, tmp_path):
    fixture = tmp_path / "fake"
    fixture.mkdir()
    (fixture / "config.json").write_text(json.dumps({"model": "fake_paper"}))
    np.savez(fixture / "fixture.npz", **{"out/y": np.zeros((1, 2), np.float32)})
    out, err = io.StringIO(), io.StringIO()
    assert run([str(fixture)], out, err) == 0, err.getvalue()
    assert out.getvalue().splitlines() == ["out/y max_abs_err=0", "fake: 1 compared, 0 skipped, worst max_abs_err=0"]


def test_two_adapters_claiming_one_model_is_an_error(extra_adapter):
    (extra_adapter / "fake_twin.py").write_text(FAKE)
    with pytest.raises(RuntimeError, match="'fake_paper' is claimed by two adapters"):
        adapters()


def test_state_dict_is_the_checkpoint_part_and_weight_effective_stays_with_the_fixture():
    w = np.ones((2, 1, 1, 1), np.float32)
    fixture = Fixture("f", {}, {"netD/conv.weight_orig": w, "netD/conv.weight_effective": w / 2,
                                "netD/conv.weight_u": w[:, 0, 0, 0], "in/x": w})
    assert sorted(fixture.state_dict("netD").arrays) == ["conv.weight_orig", "conv.weight_u"]
    assert list(fixture.effective_weights("netD")) == ["conv"]
    np.testing.assert_array_equal(fixture.effective_weights("netD")["conv"], w / 2)
