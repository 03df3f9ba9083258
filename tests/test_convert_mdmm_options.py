"""Official MDMM option values the fixture does not cover convert too: random weights under the official
keys (tests/official_mdmm_state.py) load through the converter and our eval forward matches a numpy
forward of the official definitions (tests/reference_drit.py, tests/reference_mdmm.py): other numbers
of domains, channel counts, widths, crop sizes, batch 1, concat 0/1, dis_norm 'Instance' (a no-op
officially) and spectral norm (its eval weight buffer, also when stale after an optimiser step)."""

import numpy as np
import pytest

from tests import official_mdmm_state as state
from tests import reference_drit as ref
from tests import reference_mdmm as ref_md
from tf_i2i.convert.mdmm import ROLES, MdmmOptions


def _close(ours, official) -> None:
    ours = np.asarray(ours, np.float64)
    assert ours.shape == official.shape
    np.testing.assert_allclose(ours, official, rtol=0, atol=1e-4 * max(1.0, np.abs(official).max()))


def _one_hot(rng, batch: int, num_domains: int) -> np.ndarray:
    return np.eye(num_domains, dtype=np.float32)[rng.integers(0, num_domains, batch)]


DIS_CASES = [  # (input_dim, num_domains, batch, crop_size, image height, width, dim, dis_norm, spectral norm)
    (3, 2, 2, 64, 64, 64, 2, "None", False),
    (1, 4, 1, 128, 128, 160, 1, "Instance", True),
    (3, 3, 1, 216, 216, 216, 1, "None", True),
]


@pytest.mark.parametrize("input_dim, nd, batch, crop, h, w, dim, dis_norm, sn", DIS_CASES,
                         ids=["2-domains", "4-domains-sn-instance", "216-sn"])
def test_discriminator_matches_the_official_forward(input_dim, nd, batch, crop, h, w, dim, dis_norm, sn):
    rng = np.random.default_rng(0)
    arrays = state.dis_state(input_dim, nd, dim, crop, sn, rng)
    o = MdmmOptions(num_domains=nd, input_dim=input_dim, crop_size=crop, dis_norm=dis_norm, dis_spectral_norm=sn,
                    dim=dim)
    disc = ROLES.convert("dis2", o, arrays)
    x = rng.uniform(-1, 1, (batch, h, w, input_dim)).astype(np.float32)
    feats, (logits, cls) = ref_md.dis(arrays, x.astype(np.float64))
    for a, b in zip(disc.features(x, training=False), feats, strict=True):
        _close(a, b)
    ours_logits, ours_cls = disc(x, training=False)
    _close(ours_logits, logits)
    _close(ours_cls, cls)
    assert ours_cls.shape == (batch, nd)


@pytest.mark.parametrize("nd", [2, 4])
def test_content_discriminator_matches_the_official_forward(nd):
    rng = np.random.default_rng(1)
    arrays = state.dis_content_state(8, nd, rng)
    disc = ROLES.convert("disContent", MdmmOptions(num_domains=nd, dim=2), arrays)
    x = rng.normal(size=(1, 54, 58, 8)).astype(np.float32)
    official = ref.dis_content(arrays, x.astype(np.float64))
    for a, b in zip(disc.features(x, training=False), official, strict=True):
        _close(a, b)
    _close(disc(x, training=False), official[-1].reshape(1, nd))


def test_content_discriminator_needs_maps_that_reduce_to_one_pixel():
    rng = np.random.default_rng(1)
    disc = ROLES.convert("disContent", MdmmOptions(dim=2), state.dis_content_state(8, 3, rng))
    with pytest.raises(ValueError, match="1x1"):
        disc(np.zeros((1, 80, 80, 8), np.float32), training=False)


GEN_CASES = [  # (input_dim, num_domains, batch, height, width, dim, mlp_dim, concat)
    (3, 2, 2, 32, 48, 2, 5, 1),
    (1, 4, 1, 24, 16, 1, 3, 0),
]


@pytest.mark.parametrize("input_dim, nd, batch, h, w, dim, mlp_dim, concat", GEN_CASES,
                         ids=["concat-2", "plain-4-gray"])
def test_encoders_and_generators_match_the_official_forward(input_dim, nd, batch, h, w, dim, mlp_dim, concat):
    rng = np.random.default_rng(2)
    o = MdmmOptions(num_domains=nd, input_dim=input_dim, concat=concat, dim=dim, mlp_dim=mlp_dim)
    sd_c, ref_c = state.content_encoder_state(input_dim, dim, rng)
    if concat:
        sd_a, ref_a = state.attr_concat_state(input_dim, nd, dim, 8, rng)
        sd_g = ref_g = state.gen_concat_state(input_dim, nd, dim, 8, rng)
    else:
        sd_a, ref_a = state.attr_plain_state(input_dim, nd, dim, 8, rng)
        sd_g, ref_g = state.gen_plain_state(input_dim, nd, dim, mlp_dim, 8, rng)
    enc_c, enc_a, gen = (ROLES.convert(r, o, sd) for r, sd in (("enc_c", sd_c), ("enc_a", sd_a), ("gen", sd_g)))
    x = rng.uniform(-1, 1, (batch, h, w, input_dim)).astype(np.float32)
    c, c_trg = _one_hot(rng, batch, nd), _one_hot(rng, batch, nd)
    z = rng.normal(size=(batch, 8)).astype(np.float32)
    x_c = ref_md.with_code(x.astype(np.float64), c.astype(np.float64))

    content = enc_c(x, training=False)
    _close(content, ref.content_encoder(ref_c, x.astype(np.float64), "a"))
    content64 = np.asarray(content, np.float64)
    if concat:
        for ours, official in zip(enc_a(x, c, training=False), ref.attr_concat(ref_a, x_c, "a"), strict=True):
            _close(ours, official)
        official_image = ref_md.gen_concat(ref_g, content64, z.astype(np.float64), c_trg.astype(np.float64))
    else:
        _close(enc_a(x, c, training=False), ref.attr_plain(ref_a, x_c, "a"))
        code = np.concatenate([c_trg, z], axis=-1).astype(np.float64)
        _close(gen.codes(z, c_trg), ref.mlp(ref_g, code, "a"))
        official_image = ref.gen_plain(ref_g, content64, code, "a")
    image = gen(content, z, c_trg, training=False)
    assert image.shape == (batch, h, w, input_dim)
    _close(image, official_image)
