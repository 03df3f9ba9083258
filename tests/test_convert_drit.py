"""The official DRIT fixture (encoders, both generator variants, mode-seeking terms, every
discriminator layer) passes through the converter; bad options and checkpoints fail clearly."""

import io
import json

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tests.official_drit_state import content_encoder_state, domain_dis_state
from tf_i2i.convert.drit import ROLES, DritOptions, build_role, convert_checkpoint, drit_options, load_role
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tools.fixtures.check import check_fixture
from tools.fixtures.fixture import FixtureError

OPTS = dict(input_dim_a=3, input_dim_b=3, dis_scale=3, dis_norm="None", dis_spectral_norm=False, concat=1)


def test_official_fixture_passes(shared_dir):
    fixture = fixture_dir(shared_dir, "drit")
    out = io.StringIO()
    assert check_fixture(fixture, out), out.getvalue()
    assert "drit: 78 compared, 0 skipped" in out.getvalue()


@pytest.mark.parametrize("change, message", [
    (dict(dis_norm="Batch"), "dis_norm='Batch'"),
    (dict(concat="yes"), "concat='yes'"),
    (dict(input_dim_a=0), "input_dim_a=0"),
    (dict(dis_spectral_norm="True"), "dis_spectral_norm='True'"),
    (dict(dis_scale=2.0), "dis_scale=2.0"),
])
def test_bad_official_options_name_the_option(change, message):
    with pytest.raises(ConversionError, match=message):
        drit_options({**OPTS, **change})


def test_missing_option_and_bad_width_are_errors():
    with pytest.raises(ConversionError, match=r"lack \['concat'\]"):
        drit_options({k: v for k, v in OPTS.items() if k != "concat"})
    with pytest.raises(ConversionError, match="dim=0"):
        drit_options(OPTS, dim=0)


def test_checkpoint_that_does_not_fit_names_the_key():
    o = DritOptions(dim=2, dis_scale=2)
    state = domain_dis_state(3, 2, 2, False, np.random.default_rng(0))
    with pytest.raises(ConversionError, match=r"Diss.0.0.model.1.weight: expected shape \[3, 3, 4, 4\], found \[2, 3, 4, 4\] in DRIT disA"):
        ROLES.convert("disA", DritOptions(dim=3, dis_scale=2), state)
    disc = build_role("disA", o)
    with pytest.raises(ConversionError, match="not loaded.*extra"):
        load_role("disA", disc, StateDict({**state, "extra.weight": np.zeros(1, np.float32)}))
    with pytest.raises(ConversionError, match="missing key 'Diss.1.4.bias'"):
        load_role("disA", disc, StateDict({k: v for k, v in state.items() if k != "Diss.1.4.bias"}))


def test_spectral_norm_mismatch_is_an_error():
    state = domain_dis_state(3, 2, 2, True, np.random.default_rng(0))
    with pytest.raises(ConversionError, match="spectral"):
        ROLES.convert("disA", DritOptions(dim=2, dis_scale=2, dis_spectral_norm=False), state)


def test_checkpoint_roles_convert_and_optimiser_states_are_ignored():
    rng = np.random.default_rng(1)
    o = DritOptions(dim=2, dis_scale=2)
    checkpoint = {"enc_c": content_encoder_state((3, 3), 2, rng), "disB2": domain_dis_state(3, 2, 2, False, rng),
                  "enc_c_opt": {"state": {}}, "ep": 3, "total_it": 10}
    nets = convert_checkpoint(checkpoint, o)
    assert sorted(nets) == ["disB2", "enc_c"]
    with pytest.raises(ConversionError, match="no DRIT network"):
        convert_checkpoint({"ep": 1}, o)


def test_an_out_key_without_a_mapping_is_an_error(tmp_path):
    rng = np.random.default_rng(2)
    arrays = {f"disA/{k}": v for k, v in domain_dis_state(1, 2, 2, False, rng).items()}
    arrays.update({"in/disA_x": np.zeros((1, 1, 32, 32), np.float32), "out/disA_scale0": np.zeros(1, np.float32),
                   "out/disA_unknown": np.zeros(1, np.float32)})
    config = {"model": "drit", "official_options": {**OPTS, "input_dim_a": 1, "dis_scale": 2},
              "width_substitution": {"W": 2, "M": 4}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    np.savez(tmp_path / "fixture.npz", **arrays)
    with pytest.raises(FixtureError, match=r"no mapping for out key\(s\) \['out/disA_unknown'\]"):
        check_fixture(tmp_path, io.StringIO())
