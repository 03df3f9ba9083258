"""The official MUNIT and UNIT fixtures (generators' codes, translations, AdaIN parameters, VAE-noise
decodes, every discriminator layer) pass through the converter within the contract's tolerance."""

import io

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tests.official_munit_state import unit_generator_state
from tools.fixtures import munit as munit_adapter
from tools.fixtures.check import check_fixture
from tools.fixtures.fixture import Fixture, FixtureError


@pytest.mark.parametrize("name, compared", [("munit", 51), ("unit", 46)])
def test_official_fixture_passes(shared_dir, name, compared):
    fixture = fixture_dir(shared_dir, name)
    out = io.StringIO()
    assert check_fixture(fixture, out), out.getvalue()
    assert f"{name}: {compared} compared, 0 skipped" in out.getvalue()


def test_an_out_key_without_a_mapping_is_an_error():
    """A tiny synthetic UNIT fixture: an out key the handler does not know fails instead of being ignored."""
    g = dict(dim=2, n_downsample=1, n_res=1, activ="relu", pad_type="reflect")
    rng = np.random.default_rng(0)
    arrays = {f"gen_{d}/{k}": v for d in "ab" for k, v in unit_generator_state(1, g, rng).items()}
    image, hidden = np.zeros((1, 1, 8, 8), np.float32), np.zeros((1, 4, 4, 4), np.float32)
    arrays.update({"in/x_a": image, "in/x_b": image, "in/noise_a": hidden, "in/noise_b": hidden,
                   "out/x_ab_noisy": image, "out/x_aa_noisy": image})
    config = {"model": "unit", "official_options": {"input_dim_a": 1, "input_dim_b": 1, "gen": g, "dis": {}}}
    with pytest.raises(FixtureError, match=r"no mapping for out key\(s\) \['out/x_aa_noisy'\]"):
        munit_adapter.check(Fixture("synthetic", config, arrays))
