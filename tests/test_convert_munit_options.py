"""Official MUNIT/UNIT option values the fixtures do not cover convert too: random weights under the
official keys (tests/official_munit_state.py) load through the converter and our forward matches a
numpy forward of the official definitions (tests/reference_munit.py). Bad options and checkpoints
that do not fit fail naming the option or key."""

import re

import numpy as np
import pytest

from tests import reference_munit as ref
from tests.reference_ops import assert_matches_official as _close
from tests.reference_ops import random_images as _images
from tests.official_munit_state import discriminator_state, munit_generator_state, unit_generator_state
from tf_i2i.convert.munit import (build_discriminator_from_official, build_munit_generator_from_official,
                                  load_discriminator, load_munit_generator)
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tf_i2i.convert.unit import build_unit_generator_from_official, load_unit_generator


def _loaded(net, arrays: dict, load):
    sd = StateDict(arrays, source="test")
    load(net, sd)
    sd.check_all_used()
    return net


def _converted(seed: int, make_state, build, load, input_dim: int, batch: int, h: int, w: int, opts: dict):
    """Random official weights, our network built from the options and loaded with them, an input batch."""
    rng = np.random.default_rng(seed)
    arrays = make_state(input_dim, opts, rng)
    net = _loaded(build(input_dim, opts), arrays, load)
    return rng, arrays, net, _images(rng, batch, h, w, input_dim)


DIS_CASES = [  # (input_dim, batch, height, width, dis options)
    (1, 1, 16, 24, dict(norm="bn", activ="prelu", pad_type="zero", n_layer=2, num_scales=2)),
    (3, 2, 24, 16, dict(norm="in", activ="selu", pad_type="replicate", n_layer=3, num_scales=1)),
    (2, 2, 32, 32, dict(norm="ln", activ="tanh", pad_type="reflect", n_layer=2, num_scales=3)),
    (3, 1, 32, 24, dict(norm="sn", activ="lrelu", pad_type="reflect", n_layer=3, num_scales=2)),
    (1, 2, 16, 16, dict(norm="none", activ="none", pad_type="zero", n_layer=1, num_scales=2)),
]


@pytest.mark.parametrize("input_dim, batch, h, w, opts", DIS_CASES, ids=[c[-1]["norm"] for c in DIS_CASES])
def test_discriminator_options_match_the_official_forward(input_dim, batch, h, w, opts):
    d = dict(dim=3, gan_type="nsgan", **opts)
    _, arrays, disc, x = _converted(1, discriminator_state, build_discriminator_from_official, load_discriminator,
                                    input_dim, batch, h, w, d)
    ours, official = disc(x, training=False), ref.ms_image_dis(arrays, x.astype(np.float64), d)
    assert [len(s) for s in ours] == [len(s) for s in official] == [d["n_layer"] + 1] * d["num_scales"]
    for ours_scale, official_scale in zip(ours, official, strict=True):
        for a, b in zip(ours_scale, official_scale, strict=True):
            _close(a, b)


MUNIT_CASES = [  # (input_dim, batch, height, width, gen options)
    (1, 1, 16, 24, dict(dim=2, style_dim=3, n_downsample=1, n_res=1, activ="prelu", pad_type="zero", mlp_dim=5)),
    (3, 2, 32, 16, dict(dim=2, style_dim=2, n_downsample=3, n_res=2, activ="lrelu", pad_type="replicate", mlp_dim=4)),
    (2, 1, 32, 32, dict(dim=3, style_dim=4, n_downsample=2, n_res=1, activ="selu", pad_type="reflect", mlp_dim=6)),
]


@pytest.mark.parametrize("input_dim, batch, h, w, g", MUNIT_CASES, ids=["prelu-zero", "lrelu-replicate", "selu-reflect"])
def test_munit_generator_options_match_the_official_forward(input_dim, batch, h, w, g):
    rng, arrays, gen, x = _converted(2, munit_generator_state, build_munit_generator_from_official,
                                     load_munit_generator, input_dim, batch, h, w, g)
    style = rng.normal(size=(batch, g["style_dim"])).astype(np.float32)
    content, own_style = gen.encode(x, training=False)
    ref_content, ref_style = ref.munit_encode(arrays, x.astype(np.float64), g)
    _close(content, ref_content)
    _close(own_style, ref_style)
    _close(gen.mlp(style), ref.mlp(arrays, "mlp", style.astype(np.float64), g))
    out = gen.decode(content, style, training=False)
    _close(out, ref.munit_decode(arrays, ref_content, style.astype(np.float64), g))
    assert out.shape == (batch, h, w, input_dim)


UNIT_CASES = [
    (1, 1, 16, 24, dict(dim=2, n_downsample=1, n_res=1, activ="prelu", pad_type="zero")),
    (3, 2, 16, 32, dict(dim=3, n_downsample=3, n_res=2, activ="tanh", pad_type="replicate")),
    (2, 1, 16, 16, dict(dim=2, n_downsample=2, n_res=0, activ="selu", pad_type="reflect")),
]


@pytest.mark.parametrize("input_dim, batch, h, w, g", UNIT_CASES, ids=["prelu-zero", "tanh-replicate", "selu-nores"])
def test_unit_generator_options_match_the_official_forward(input_dim, batch, h, w, g):
    rng, arrays, gen, x = _converted(3, unit_generator_state, build_unit_generator_from_official,
                                     load_unit_generator, input_dim, batch, h, w, g)
    hiddens, ref_hiddens = gen.encode(x, training=False), ref.unit_encode(arrays, x.astype(np.float64), g)
    _close(hiddens, ref_hiddens)
    noise = rng.normal(size=hiddens.shape).astype(np.float32)
    _close(gen.decode(hiddens + noise, training=False), ref.unit_decode(arrays, ref_hiddens + noise, g))


GEN = dict(dim=2, style_dim=2, n_downsample=1, n_res=1, activ="relu", pad_type="reflect", mlp_dim=3)
DIS = dict(dim=2, norm="sn", activ="lrelu", n_layer=2, gan_type="lsgan", num_scales=1, pad_type="reflect")


@pytest.mark.parametrize("section, change, message", [
    ("dis", dict(norm="gn"), r"dis\.norm='gn' is not supported"),
    ("dis", dict(norm="adain"), r"dis\.norm='adain' is not supported"),
    ("dis", dict(activ="gelu"), r"dis\.activ='gelu' is not supported"),
    ("dis", dict(pad_type="circular"), r"dis\.pad_type='circular' is not supported"),
    ("dis", dict(gan_type="wgan"), r"dis\.gan_type='wgan' is not supported"),
    ("dis", dict(n_layer=0), r"dis\.n_layer=0 must be an integer >= 1"),
    ("dis", dict(num_scales=True), r"dis\.num_scales=True must be an integer"),
    ("gen", dict(dim=2.5), r"gen\.dim=2\.5 must be an integer >= 1"),
    ("gen", dict(n_res=-1), r"gen\.n_res=-1 must be an integer >= 0"),
    ("gen", dict(n_res=0), r"gen\.n_res=0 leaves AdaINGen without AdaIN layers"),
    ("gen", dict(mlp_dim=None), r"gen\.mlp_dim=None"),
    ("gen", dict(activ="swish"), r"gen\.activ='swish' is not supported"),
])
def test_bad_official_options_are_named(section, change, message):
    with pytest.raises(ConversionError, match=message):
        if section == "dis":
            build_discriminator_from_official(3, {**DIS, **change})
        else:
            build_munit_generator_from_official(3, {**GEN, **change})


def test_missing_options_and_bad_input_dim_are_named():
    with pytest.raises(ConversionError, match=r"official 'gen' options lack \['mlp_dim'\]"):
        build_munit_generator_from_official(3, {k: v for k, v in GEN.items() if k != "mlp_dim"})
    with pytest.raises(ConversionError, match=r"input_dim=0 must be an integer >= 1"):
        build_unit_generator_from_official(0, GEN)
    with pytest.raises(ConversionError, match=r"'dis' options must be a mapping"):
        build_discriminator_from_official(3, "none")


@pytest.fixture
def munit_arrays():
    return munit_generator_state(3, GEN, np.random.default_rng(4))


def _load_munit(arrays):
    return _loaded(build_munit_generator_from_official(3, GEN), arrays, load_munit_generator)


def test_checkpoint_that_does_not_fit_names_the_key(munit_arrays):
    missing = {k: v for k, v in munit_arrays.items() if k != "dec.model.2.norm.gamma"}
    with pytest.raises(ConversionError, match=r"missing key 'dec\.model\.2\.norm\.gamma'"):
        _load_munit(missing)
    extra = {**munit_arrays, "enc_content.model.9.conv.weight": np.zeros((2, 2, 3, 3), np.float32)}
    with pytest.raises(ConversionError, match=r"1 official parameter\(s\) were not loaded.*enc_content\.model\.9"):
        _load_munit(extra)
    wide = {**munit_arrays, "mlp.model.1.fc.weight": np.zeros((4, 3), np.float32)}
    with pytest.raises(ConversionError, match=r"mlp\.model\.1\.fc\.weight: expected shape \[\d+, \d+\], "
                                              r"found \[4, 3\]"):
        _load_munit(wide)


def test_prelu_and_old_instance_norm_checkpoints_are_named():
    g = {**GEN, "activ": "prelu"}
    arrays = munit_generator_state(3, g, np.random.default_rng(5))
    arrays["mlp.model.0.activation.weight"] = np.full(3, 0.2, np.float32)
    with pytest.raises(ConversionError, match=r"mlp\.model\.0\.activation\.weight: expected shape \[1\], "
                                              r"found \[3\]"):
        _loaded(build_munit_generator_from_official(3, g), arrays, load_munit_generator)
    tracked = {**munit_generator_state(3, GEN, np.random.default_rng(5)),
               "enc_content.model.0.norm.running_mean": np.zeros(2, np.float32)}
    with pytest.raises(ConversionError, match=r"enc_content\.model\.0\.norm: an InstanceNorm2d with track_running_stats"):
        _load_munit(tracked)


def test_adain_running_stats_are_dummies(munit_arrays):
    """The AdaIN layers' running_mean/var are consumed but never change the output."""
    x = _images(np.random.default_rng(6), 1, 16, 16, 3)
    before = _load_munit(munit_arrays)(x, training=False)
    perturbed = {k: (v + 5.0 if "norm.running_" in k else v) for k, v in munit_arrays.items()}
    np.testing.assert_array_equal(_load_munit(perturbed)(x, training=False), before)


def test_spectral_norm_loads_as_saved_and_updates_on_every_call_like_munits_wrapper():
    """MUNIT's wrapper runs one power iteration first in every forward call, eval included: u, v
    load as saved, and each of our calls (eval or training) moves them on as the official one does
    and uses the weight they give (the official forward from the state before that call)."""
    state = discriminator_state(3, DIS, np.random.default_rng(7))
    m = "cnns.0.1.conv.module"  # DIS's only spectral-norm conv (block 0 never has a norm)
    disc = _loaded(build_discriminator_from_official(3, DIS), state, load_discriminator)
    sn = disc.scales[0].blocks[1].conv
    np.testing.assert_array_equal(sn.u.numpy(), state[f"{m}.weight_u"])
    x = _images(np.random.default_rng(8), 2, 16, 16, 3)
    for training in (False, False, True):
        official = ref.ms_image_dis(state, x.astype(np.float64), DIS)
        ours = disc(x, training=training)
        u, v = ref.munit_power_iteration(state[f"{m}.weight_bar"], state[f"{m}.weight_u"])
        np.testing.assert_allclose(sn.u.numpy(), u, atol=1e-6)
        np.testing.assert_allclose(sn.v.numpy(), v.reshape(2, 4, 4).transpose(1, 2, 0).ravel(), atol=1e-6)
        for a, b in zip(ours[0], official[0], strict=True):
            _close(a, b)
        state = {**state, f"{m}.weight_u": u.astype(np.float32), f"{m}.weight_v": v.astype(np.float32)}


def test_fixture_only_weight_effective_is_not_a_checkpoint_key():
    """Fixtures record a spectral-norm conv's `weight_effective`; no checkpoint has it, so the converter
    refuses it like any key the options leave no place for."""
    state = discriminator_state(3, DIS, np.random.default_rng(7))
    extra = "cnns.0.1.conv.module.weight_effective"
    with pytest.raises(ConversionError, match=rf"were not loaded.*{re.escape(extra)}"):
        _loaded(build_discriminator_from_official(3, DIS), {**state, extra: state["cnns.0.1.conv.module.weight_bar"]},
                load_discriminator)
