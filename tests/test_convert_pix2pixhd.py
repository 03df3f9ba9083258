"""pix2pixHD converter: the official fixture passes tools' check (and fails where a weight is
perturbed, which also pins the official reversed scale index), and official key layouts written
out by hand load into our networks completely, for options other than the fixture's."""

import io
import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers_fixtures import fixture_dir
from tf_i2i.convert.pix2pixhd import (build_discriminator_from_official, build_generator_from_official,
                                      load_discriminator, load_generator)
from tf_i2i.convert.state_dict import ConversionError, StateDict
from tools.fixtures.check import run

RNG = np.random.default_rng(7)


@pytest.fixture
def official(shared_dir) -> Path:
    path = fixture_dir(shared_dir, "pix2pixHD")
    return path


def _check(path: Path) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(path)], out, err)
    return code, out.getvalue().splitlines(), err.getvalue()


def test_official_fixture_passes_every_output(official):
    code, lines, err = _check(official)
    assert code == 0, err + "\n".join(lines)
    with np.load(official / "fixture.npz") as npz:
        out_keys = [k for k in npz.files if k.startswith("out/")]
    assert [line.split()[0] for line in lines[:-1]] == out_keys
    assert lines[-1].startswith(f"pix2pixHD: {len(out_keys)} compared, 0 skipped")


def test_last_official_scale_is_our_full_resolution_scale(official, tmp_path):
    config = json.loads((official / "config.json").read_text())
    last = config["options"]["num_D"] - 1
    with np.load(official / "fixture.npz") as npz:
        arrays = {k: npz[k] for k in npz.files if k.startswith(("netD/", "in/netD", "out/D"))}
    arrays[f"netD/scale{last}_layer4.0.weight"] = arrays[f"netD/scale{last}_layer4.0.weight"] + 0.05
    (tmp_path / "config.json").write_text(json.dumps(config))
    np.savez(tmp_path / "fixture.npz", **arrays)
    code, lines, _ = _check(tmp_path)
    assert code == 1
    failed = {line.split()[0] for line in lines if "FAIL" in line}
    assert failed == {"out/D/scale0/layer4", "out/D_real/scale0/layer4"}


# Official layouts, written from the official module lists (not from our converter).
def _conv(sd, prefix, o, i, k, transpose=False):
    sd[f"{prefix}.weight"] = RNG.normal(0, 0.2, (i, o, k, k) if transpose else (o, i, k, k)).astype(np.float32)
    sd[f"{prefix}.bias"] = RNG.normal(0, 0.1, (o,)).astype(np.float32)


def _bn(sd, prefix, c):
    sd[f"{prefix}.weight"] = RNG.uniform(0.5, 1.5, c).astype(np.float32)
    sd[f"{prefix}.bias"] = RNG.normal(0, 0.1, c).astype(np.float32)
    sd[f"{prefix}.running_mean"] = RNG.normal(0, 0.1, c).astype(np.float32)
    sd[f"{prefix}.running_var"] = RNG.uniform(0.5, 1.5, c).astype(np.float32)
    sd[f"{prefix}.num_batches_tracked"] = np.array(3)


def _resblock(sd, prefix, c):
    for conv, norm in ((1, 2), (5, 6)):
        _conv(sd, f"{prefix}.conv_block.{conv}", c, c, 3)
        _bn(sd, f"{prefix}.conv_block.{norm}", c)


LOCAL = dict(netG="local", ngf=2, n_downsample_global=1, n_blocks_global=1, n_local_enhancers=1,
             n_blocks_local=1, norm="batch", label_nc=3, output_nc=3)


def _official_local_enhancer() -> dict[str, np.ndarray]:
    """LocalEnhancer(input 3+1, ngf 2): global trunk at 4 filters, then model1_1 / model1_2."""
    sd = {}
    _conv(sd, "model.1", 4, 4, 7)
    _bn(sd, "model.2", 4)
    _conv(sd, "model.4", 8, 4, 3)
    _bn(sd, "model.5", 8)
    _resblock(sd, "model.7", 8)
    _conv(sd, "model.8", 4, 8, 3, transpose=True)
    _bn(sd, "model.9", 4)
    _conv(sd, "model1_1.1", 2, 4, 7)
    _bn(sd, "model1_1.2", 2)
    _conv(sd, "model1_1.4", 4, 2, 3)
    _bn(sd, "model1_1.5", 4)
    _resblock(sd, "model1_2.0", 4)
    _conv(sd, "model1_2.1", 2, 4, 3, transpose=True)
    _bn(sd, "model1_2.2", 2)
    _conv(sd, "model1_2.5", 3, 2, 7)
    return sd


def test_local_enhancer_loads_every_official_key_and_round_trips(tmp_path):
    official = _official_local_enhancer()
    sd = StateDict(official)
    gen = build_generator_from_official(LOCAL)
    load_generator(gen, sd)
    sd.check_all_used()
    np.testing.assert_array_equal(gen.levels[0].head.conv_layer.kernel,
                                  official["model1_2.5.weight"].transpose(2, 3, 1, 0))
    np.testing.assert_array_equal(gen.global_net.up[0].conv_layer.kernel,
                                  official["model.8.weight"].transpose(2, 3, 1, 0))
    np.testing.assert_array_equal(gen.levels[0].blocks[0].conv2.norm.moving_variance,
                                  official["model1_2.0.conv_block.6.running_var"])
    x = RNG.uniform(0, 1, (1, 8, 12, 4)).astype(np.float32)
    y = gen(x, training=False)
    gen.save_weights(tmp_path / "g.weights.h5")
    again = build_generator_from_official(LOCAL)
    again.load_weights(tmp_path / "g.weights.h5")
    np.testing.assert_allclose(again(x, training=False), y, atol=1e-6)


def test_options_that_do_not_fit_name_the_official_key():
    gen = build_generator_from_official({**LOCAL, "n_blocks_local": 2})
    with pytest.raises(ConversionError, match=r"model1_2\.1\.conv_block\.1\.weight"):
        load_generator(gen, StateDict(_official_local_enhancer()))
    with pytest.raises(ConversionError, match="norm='group'"):
        build_generator_from_official({**LOCAL, "norm": "group"})


@pytest.mark.parametrize("interm", [True, False])
def test_discriminator_scales_are_reversed_in_both_official_layouts(interm):
    opts = dict(ndf=2, n_layers_D=1, num_D=2, norm="instance", label_nc=3, output_nc=3,
                no_ganFeat_loss=not interm, no_lsgan=True)
    sd = {}
    for s in range(2):
        names = ([f"scale{s}_layer{j}.0" for j in range(3)] if interm
                 else [f"layer{s}.0", f"layer{s}.2", f"layer{s}.5"])
        _conv(sd, names[0], 2, 7, 4)
        _conv(sd, names[1], 4, 2, 4)
        _conv(sd, names[2], 1, 4, 4)
    state = StateDict(sd)
    disc = build_discriminator_from_official(opts)
    load_discriminator(disc, state)
    state.check_all_used()
    first = "scale1_layer0.0.weight" if interm else "layer1.0.weight"
    np.testing.assert_array_equal(disc.scales[0].blocks[0].conv_layer.kernel, sd[first].transpose(2, 3, 1, 0))
    feats = disc(RNG.uniform(-1, 1, (1, 16, 16, 7)).astype(np.float32), training=False)
    assert [len(s) for s in feats] == ([3, 3] if interm else [1, 1])
    # The official sigmoid (no_lsgan) only runs without intermediate features.
    assert disc.use_sigmoid is (not interm)
