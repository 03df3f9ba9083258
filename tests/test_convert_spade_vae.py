"""A SPADE run trained with --use_vae converts with its encoder (latest_net_E.pth): the run folder's
model encodes a photo and synthesizes with that style as the official netE and netG (loaded directly
through the converter functions) do; without netE the conversion is refused."""

from __future__ import annotations

import numpy as np
import pytest

from tests.official_pix2pix_state import loaded, opt_lines, spade_encoder_state, spade_generator_state
from tests.pth_writer import torch_save
from tf_i2i.convert import spade
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.export.workdir import load_trained_model
from tf_i2i.registry import get_spec

NGF, LABELS, CROP = 2, 3, 256  # the official ConvEncoder fits crop_size >= 256 only
OPTIONS = dict(label_nc=LABELS, contain_dontcare_label=False, no_instance=True, ngf=NGF, crop_size=CROP,
               load_size=CROP, preprocess_mode="fixed", aspect_ratio=1.0, use_vae=True)


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    root = tmp_path_factory.mktemp("spade_vae")
    rng = np.random.default_rng(0)
    grid = CROP // 2 ** 5
    g = spade_generator_state(LABELS, NGF, rng, vae_grid=(grid, grid))
    e = spade_encoder_state(NGF, CROP, rng)
    with pytest.MonkeyPatch.context() as monkeypatch:
        files = {"checkpoint": torch_save(root / "latest_net_G.pth", g, monkeypatch),
                 "checkpoint_e": torch_save(root / "latest_net_E.pth", e, monkeypatch),
                 "opt_file": root / "opt.txt"}
    files["opt_file"].write_text(opt_lines(OPTIONS))
    return root, files, g, e


def test_converted_vae_run_encodes_and_synthesizes_as_the_official_networks(official):
    root, files, g, e = official
    get_spec("spade").load_converter().run(files, {}, root / "run")
    model = load_trained_model(root / "run")
    opts = {**spade.OFFICIAL_DEFAULTS, **OPTIONS}
    enc = loaded(spade.build_encoder_from_official(opts), e, spade.load_encoder)
    gen = loaded(spade.build_generator_from_official(opts), g, spade.load_generator)

    rng = np.random.default_rng(1)
    photo = rng.uniform(-1, 1, (1, CROP, CROP, 3)).astype(np.float32)
    labels = rng.integers(0, LABELS, (1, CROP, CROP))
    mu, _ = enc(photo, training=False)
    expected = gen(np.eye(LABELS, dtype=np.float32)[labels], mu, training=False)

    z = model.style_code(photo)
    np.testing.assert_allclose(z, mu, atol=1e-5)
    ours = model.synthesize({"label": labels[..., None].astype(np.int32)}, z)
    np.testing.assert_allclose(ours, expected, atol=1e-4)
    assert np.std(expected) > 0.05  # the weights matter


def test_vae_run_without_the_encoder_is_refused(official):
    root, files, _, _ = official
    without_e = {k: v for k, v in files.items() if k != "checkpoint_e"}
    with pytest.raises(ConversionError, match="give netE"):
        get_spec("spade").load_converter().run(without_e, {}, root / "refused")
    assert not (root / "refused").exists()
