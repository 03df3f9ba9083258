"""Official DRIT option values the fixture does not cover convert too: random weights under the
official keys (tests/official_drit_state.py) load through the converter and our eval forward matches
a numpy forward of the official definitions (tests/reference_drit.py): other channel counts, widths,
sizes, batch 1, concat 0/1, dis_scale (incl. the single-scale Dis), dis_norm 'Instance' (a no-op
officially) and spectral norm (its eval weight buffer, also when stale after an optimiser step)."""

import numpy as np
import pytest

from tests import official_drit_state as state
from tests import reference_drit as ref
from tests.reference_ops import assert_matches_official as _close
from tests.reference_ops import random_images as _images
from tf_i2i.convert.drit import ROLES, DritOptions


DIS_CASES = [  # (input_dim, batch, height, width, dim, dis_scale, dis_norm, spectral norm)
    (1, 1, 32, 48, 3, 2, "Instance", True),
    (3, 2, 64, 64, 2, 1, "None", True),
    (2, 1, 128, 128, 1, 4, "None", False),
    (3, 1, 70, 66, 2, 0, "Instance", False),
]


@pytest.mark.parametrize("input_dim, batch, h, w, dim, dis_scale, dis_norm, sn", DIS_CASES,
                         ids=["ms2-sn", "single-sn", "ms4", "single-odd"])
def test_domain_discriminators_match_the_official_forward(input_dim, batch, h, w, dim, dis_scale, dis_norm, sn):
    rng = np.random.default_rng(0)
    arrays = state.domain_dis_state(input_dim, dim, dis_scale, sn, rng)
    o = DritOptions(input_dim_a=input_dim, dis_scale=dis_scale, dis_norm=dis_norm, dis_spectral_norm=sn, dim=dim)
    disc = ROLES.convert("disA", o, arrays)
    x = _images(rng, batch, h, w, input_dim)
    ours, official = disc(x, training=False), ref.domain_dis(arrays, x.astype(np.float64), dis_scale)
    assert [len(s) for s in ours] == [len(s) for s in official]
    for ours_scale, official_scale in zip(ours, official, strict=True):
        for a, b in zip(ours_scale, official_scale, strict=True):
            _close(a, b)


def test_content_discriminator_matches_the_official_forward():
    rng = np.random.default_rng(1)
    arrays = state.dis_content_state(8, rng)
    disc = ROLES.convert("disContent", DritOptions(dim=2), arrays)
    x = rng.normal(size=(2, 56, 60, 8)).astype(np.float32)
    for a, b in zip(disc.features(x, training=False), ref.dis_content(arrays, x.astype(np.float64)), strict=True):
        _close(a, b)


GEN_CASES = [  # (input dims a/b, batch, height, width, dim, mlp_dim, concat)
    ((1, 3), 1, 32, 48, 2, 5, 1),
    ((3, 2), 2, 24, 16, 3, 5, 0),
]


@pytest.mark.parametrize("dims, batch, h, w, dim, mlp_dim, concat", GEN_CASES, ids=["concat", "plain"])
def test_encoders_and_generators_match_the_official_forward(dims, batch, h, w, dim, mlp_dim, concat):
    rng = np.random.default_rng(2)
    o = DritOptions(input_dim_a=dims[0], input_dim_b=dims[1], concat=concat, dim=dim, mlp_dim=mlp_dim)
    sd_c = state.content_encoder_state(dims, dim, rng)
    if concat:
        sd_a, sd_g = state.attr_concat_state(dims, dim, 8, rng), state.gen_concat_state(dims, dim, 8, rng)
    else:
        sd_a, sd_g = state.attr_plain_state(dims, dim, 8, rng), state.gen_plain_state(dims, dim, mlp_dim, 8, rng)
    enc_c, enc_a, gen = (ROLES.convert(r, o, sd) for r, sd in (("enc_c", sd_c), ("enc_a", sd_a), ("gen", sd_g)))
    x = {d: _images(rng, batch, h, w, c) for d, c in zip("ab", dims, strict=True)}
    z = rng.normal(size=(batch, 8)).astype(np.float32)
    for d, other in (("a", "b"), ("b", "a")):
        x64 = x[d].astype(np.float64)
        content = enc_c.encode(x[d], d, training=False)
        _close(content, ref.content_encoder(sd_c, x64, d))
        if concat:
            for ours, official in zip(enc_a.encode(x[d], d, training=False), ref.attr_concat(sd_a, x64, d), strict=True):
                _close(ours, official)
            _close(gen.decode(content, z, other, training=False), ref.gen_concat(sd_g, np.asarray(content, np.float64),
                                                                                  z.astype(np.float64), other))
        else:
            _close(enc_a.encode(x[d], d, training=False), ref.attr_plain(sd_a, x64, d))
            _close(gen.domain_net(other).codes(z), ref.mlp(sd_g, z.astype(np.float64), other))
            _close(gen.decode(content, z, other, training=False), ref.gen_plain(sd_g, np.asarray(content, np.float64),
                                                                                 z.astype(np.float64), other))
