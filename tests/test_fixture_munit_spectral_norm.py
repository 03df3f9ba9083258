"""tools/check_fixture.py on a MUNIT fixture with `dis: norm: sn` (the shared ones use no norm): the
discriminator's u, v after its forward are outputs like any other. The fixture is written here from
an independent numpy reference of the official wrapper (one power iteration in every forward call,
eval included), so the checker must pass on it and fail when the expected or our u, v are stale."""

import io
import json
from pathlib import Path

import numpy as np
import pytest

from tests import reference_munit as ref
from tests.official_munit_state import discriminator_state
from tf_i2i.nets import munit_options, patchgan
from tools.fixtures.check import run

DIS = dict(dim=4, norm="sn", activ="lrelu", n_layer=3, gan_type="lsgan", num_scales=2, pad_type="reflect")
GEN = dict(dim=8, mlp_dim=32, style_dim=8, activ="relu", n_downsample=2, n_res=4, pad_type="reflect")
SN_MODULES = [f"cnns.{i}.{j}.conv.module" for i in range(DIS["num_scales"]) for j in range(1, DIS["n_layer"])]
STATE_KEYS = [f"out/dis_a_state/{m}.weight_{x}" for m in SN_MODULES for x in "uv"]


def _nchw(y: np.ndarray) -> np.ndarray:
    return np.transpose(y, (0, 3, 1, 2)).astype(np.float32)


def official_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """What the official MsImageDis records for one forward on in/dis_a_x: its state before the
    call (+ each weight_effective), every block's output and the spectral-norm buffers after it."""
    state = discriminator_state(3, DIS, rng)
    x = rng.normal(size=(2, 3, 32, 32)).astype(np.float32)
    arrays = {f"dis_a/{k}": v for k, v in state.items()}
    arrays["in/dis_a_x"] = x
    for i, feats in enumerate(ref.ms_image_dis(state, x.transpose(0, 2, 3, 1).astype(np.float64), DIS)):
        arrays.update({f"out/dis_a_feat/cnns.{i}.{j}": _nchw(y) for j, y in enumerate(feats)})
        arrays[f"out/dis_a_scale{i}"] = _nchw(feats[-1])
    for m in SN_MODULES:
        w_bar, u = state[f"{m}.weight_bar"], state[f"{m}.weight_u"]
        after = ref.munit_power_iteration(w_bar, u)
        arrays.update({f"out/dis_a_state/{m}.weight_{x}": a.astype(np.float32) for x, a in zip("uv", after, strict=True)})
        arrays[f"dis_a/{m}.weight_effective"] = ref.munit_spectral_weight(w_bar, u).astype(np.float32)
    return arrays


def write_fixture(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    path.mkdir(parents=True)
    options = {"input_dim_a": 3, "input_dim_b": 3, "gen": GEN, "dis": DIS}
    (path / "config.json").write_text(json.dumps({"model": "munit", "official_options": options}))
    np.savez(path / "fixture.npz", **arrays)
    return path


def check(path: Path) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    return run([str(path)], out, err), out.getvalue().splitlines(), err.getvalue()


@pytest.fixture(scope="module")
def arrays() -> dict[str, np.ndarray]:
    return official_arrays(np.random.default_rng(0))


def test_post_forward_u_v_are_compared_and_pass(tmp_path, arrays):
    code, lines, err = check(write_fixture(tmp_path / "munit_sn", arrays))
    assert code == 0, "\n".join(lines) + err
    compared = [line.split()[0] for line in lines[:-1]]
    assert compared == [k for k in arrays if k.startswith("out/")] and set(STATE_KEYS) <= set(compared)
    assert lines[-1].startswith(f"munit_sn: {len(compared)} compared, 0 skipped, worst max_abs_err=")


def test_stale_expected_u_v_fail_exactly_the_state_lines(tmp_path, arrays):
    """Expecting the buffers as saved (no update in the forward) fails those lines and only those."""
    stale = {**arrays, **{k: arrays[f"dis_a/{k.split('/', 2)[2]}"] for k in STATE_KEYS}}
    code, lines, _ = check(write_fixture(tmp_path / "stale", stale))
    assert code == 1
    assert [line.split()[0] for line in lines if "FAIL" in line] == STATE_KEYS


@pytest.fixture
def eval_without_update(monkeypatch):
    """Our MUNIT blocks with torch's spectral norm, which leaves u, v alone in eval."""
    def torch_variant(*args):
        return {**munit_options.conv_block_options(*args), "spectral_norm_variant": "torch"}

    monkeypatch.setattr(patchgan, "conv_block_options", torch_variant)


def test_our_u_v_not_updated_in_eval_fail(tmp_path, arrays, eval_without_update):
    no_effective = {k: v for k, v in arrays.items() if not k.endswith(".weight_effective")}
    code, lines, _ = check(write_fixture(tmp_path / "no_update", no_effective))
    assert code == 1
    assert set(STATE_KEYS) <= {line.split()[0] for line in lines if "FAIL" in line}


def test_our_forward_weight_unlike_weight_effective_is_an_error(tmp_path, arrays, eval_without_update):
    code, _, err = check(write_fixture(tmp_path / "no_update", arrays))
    assert code == 1 and "cnns.0.1.conv.module.weight_effective differs from the weight our forward used" in err, err
