"""The official MDMM fixture (content and both attribute encoders, both generator variants to every
domain, attribute transfer, every layer of both discriminators incl. the domain classifier) passes
through the converter; bad options and checkpoints fail clearly."""

import io
import json

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tests import official_mdmm_state as state
from tf_i2i.convert.mdmm import ROLES, MdmmOptions, convert_checkpoint, mdmm_options
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.models.drit_md import networks as nets
from tools.fixtures.check import check_fixture
from tools.fixtures.fixture import FixtureError

OPTS = dict(num_domains=3, input_dim=3, crop_size=216, dis_norm="None", dis_spectral_norm=False, concat=1)


def test_official_fixture_passes(shared_dir):
    fixture = fixture_dir(shared_dir, "mdmm")
    out = io.StringIO()
    assert check_fixture(fixture, out), out.getvalue()
    assert "mdmm: 29 compared, 0 skipped" in out.getvalue()


def test_options_default_to_the_official_ones():
    o = mdmm_options(OPTS)
    assert (o.nz, o.dim, o.mlp_dim, o.channels) == (8, 64, 256, 256)
    assert mdmm_options({**OPTS, "concat": 2}).concat == 0  # MD_multi: concat == 1, else feature-wise


@pytest.mark.parametrize("change, message", [
    (dict(dis_norm="Batch"), "dis_norm='Batch'"),
    (dict(concat=True), "concat=True"),
    (dict(num_domains=0), "num_domains=0"),
    (dict(input_dim=2.0), "input_dim=2.0"),
    (dict(crop_size=63), "crop_size=63 must be an integer >= 64"),
    (dict(dis_spectral_norm="True"), "dis_spectral_norm='True'"),
    (dict(nz=0), "nz=0"),
])
def test_bad_official_options_name_the_option(change, message):
    with pytest.raises(ConversionError, match=message):
        mdmm_options({**OPTS, **change})


def test_missing_option_and_bad_width_are_errors():
    with pytest.raises(ConversionError, match=r"lack \['crop_size'\]"):
        mdmm_options({k: v for k, v in OPTS.items() if k != "crop_size"})
    with pytest.raises(ConversionError, match="mlp_dim=0"):
        mdmm_options(OPTS, mlp_dim=0)
    with pytest.raises(ConversionError, match="unknown MDMM role 'disA'"):
        ROLES.convert("disA", MdmmOptions(), {})


def test_checkpoint_that_does_not_fit_names_the_key():
    o = MdmmOptions(dim=2)
    sd, _ = state.content_encoder_state(3, 2, np.random.default_rng(0))
    with pytest.raises(ConversionError, match="conv.0.model.1.weight"):
        ROLES.convert("enc_c", MdmmOptions(dim=3), sd)
    with pytest.raises(ConversionError, match="not loaded.*extra"):
        ROLES.convert("enc_c", o, {**sd, "extra.weight": np.zeros(1, np.float32)})
    with pytest.raises(ConversionError, match="missing key 'conv.6.model.5.bias'"):
        ROLES.convert("enc_c", o, {k: v for k, v in sd.items() if k != "conv.6.model.5.bias"})


def test_options_that_do_not_fit_the_checkpoint_are_errors():
    rng = np.random.default_rng(1)
    dis = state.dis_state(3, 3, 2, 128, True, rng)
    with pytest.raises(ConversionError, match="spectral"):
        ROLES.convert("dis1", MdmmOptions(dim=2, crop_size=128), dis)
    with pytest.raises(ConversionError, match="conv2.weight"):  # kernel int(crop_size / 64) differs
        ROLES.convert("dis1", MdmmOptions(dim=2, crop_size=216, dis_spectral_norm=True), dis)
    gen = state.gen_concat_state(3, 3, 2, 8, rng)
    with pytest.raises(ConversionError, match="dec1.0.model.1.weight"):  # num_domains differs
        ROLES.convert("gen", MdmmOptions(dim=2, num_domains=4), gen)
    with pytest.raises(ConversionError, match="missing key 'dec1.conv1.0.1.weight'"):  # concat differs
        ROLES.convert("gen", MdmmOptions(dim=2, concat=0), gen)


def test_checkpoint_roles_convert_and_optimiser_states_are_ignored():
    rng = np.random.default_rng(2)
    o = MdmmOptions(dim=2, crop_size=64, concat=0)
    checkpoint = {"enc_a": state.attr_plain_state(3, 3, 2, 8, rng)[0], "dis2": state.dis_state(3, 3, 2, 64, False, rng),
                  "enc_a_opt": {"state": {}}, "ep": 3, "total_it": 10}
    nets = convert_checkpoint(checkpoint, o)
    assert sorted(nets) == ["dis2", "enc_a"]
    with pytest.raises(ConversionError, match="no MDMM network"):
        convert_checkpoint({"ep": 1}, o)


def _write_fixture(path, arrays: dict, classes: dict) -> None:
    config = {"model": "mdmm", "official_options": {**OPTS, "crop_size": 64, "concat": "both"},
              "width_substitution": {"W": 2, "M": 4}, "classes": classes}
    (path / "config.json").write_text(json.dumps(config))
    np.savez(path / "fixture.npz", **arrays)


def test_an_out_key_without_a_mapping_is_an_error(tmp_path):
    rng = np.random.default_rng(3)
    arrays = {f"d/{k}": v for k, v in state.dis_state(3, 3, 2, 64, False, rng).items()}
    arrays.update({"in/x": np.zeros((1, 3, 64, 64), np.float32), "in/c_org": np.eye(3, dtype=np.float32)[:1],
                   "in/dis_x": np.zeros((1, 3, 64, 64), np.float32), "out/d_cls": np.zeros((1, 3), np.float32),
                   "out/d_unknown": np.zeros(1, np.float32)})
    _write_fixture(tmp_path, arrays, {"d": "networks.MD_Dis(input_dim, c_dim=num_domains)"})
    with pytest.raises(FixtureError, match=r"no mapping for out key\(s\) \['out/d_unknown'\]"):
        check_fixture(tmp_path, io.StringIO())


def test_an_unknown_official_class_is_an_error(tmp_path):
    _write_fixture(tmp_path, {"in/x": np.zeros((1, 3, 8, 8), np.float32)}, {"g": "networks.MD_G_uni(input_dim)"})
    with pytest.raises(FixtureError, match="unknown official class"):
        check_fixture(tmp_path, io.StringIO())


@pytest.mark.parametrize("cls, args", [
    (nets.MDAttributeEncoderVAE, (2, 8, 4)), (nets.MDAttributeEncoder, (2, 5, 2)),
    (nets.MDGeneratorConcat, (1, 8, 8, 4)), (nets.MDGenerator, (1, 8, 6, 4, 5)),
    (nets.MDDiscriminator, (2, 4, 128, True)), (nets.MDContentDiscriminator, (8, 4)),
], ids=lambda v: v.__name__ if isinstance(v, type) else "")
def test_networks_rebuild_from_their_config(cls, args):
    net = cls(*args)
    assert cls.from_config(net.get_config()).get_config() == net.get_config()


def test_discriminator_needs_a_crop_of_64_pixels():
    with pytest.raises(ValueError, match="image_size >= 64"):
        nets.MDDiscriminator(image_size=48)
