"""tools/check_fixture.py against the official cyclegan_pix2pix fixture: it passes, and it fails
(never silently passes) when a weight, an option or an output does not match."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tools.fixtures.check import run

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "cyclegan_pix2pix"
LINE = re.compile(r"^(out/\S+) max_abs_err=(\S+)$")


@pytest.fixture
def official() -> Path:
    if not (FIXTURE / "fixture.npz").is_file():
        pytest.skip(f"{FIXTURE} is absent (the reference fixtures live in ../shared, beside the repo)")
    return FIXTURE


def subset(src: Path, dst: Path, roles: list[str], edit=None) -> Path:
    """A copy of the fixture with only `roles` (fast to check); `edit(config, arrays)` may break it."""
    config = json.loads((src / "config.json").read_text())
    config["official_options"] = {r: config["official_options"][r] for r in roles}
    with np.load(src / "fixture.npz") as npz:
        arrays = {k: npz[k] for k in npz.files if any(
            k.startswith((f"{r}/", f"out/{r}_")) or k in (f"in/{r}_x", f"out/{r}") for r in roles)}
    if edit:
        edit(config, arrays)
    dst.mkdir(parents=True, exist_ok=True)
    (dst / "config.json").write_text(json.dumps(config))
    np.savez(dst / "fixture.npz", **arrays)
    return dst


def check(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run([str(path)], out, err), out.getvalue(), err.getvalue()


def test_cli_passes_on_the_official_fixture_with_the_contract_lines(official):
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "check_fixture.py"), str(official)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    with np.load(official / "fixture.npz") as npz:
        out_keys = [k for k in npz.files if k.startswith("out/")]
    per_output = [LINE.match(line) for line in lines[:-1]]
    assert all(per_output), lines
    assert [m.group(1) for m in per_output] == out_keys
    assert all(float(m.group(2)) <= 1e-4 for m in per_output)
    worst = max(float(m.group(2)) for m in per_output)
    assert lines[-1] == f"cyclegan_pix2pix: {len(out_keys)} compared, 0 skipped, worst max_abs_err={worst:.3g}"


def test_one_perturbed_weight_fails_from_that_layer_on(official, tmp_path):
    def perturb(config, arrays):
        arrays["netD_basic_instance/model.8.weight"][0, 0, 0, 0] += 0.05

    code, out, _ = check(subset(official, tmp_path / "broken", ["netD_basic_instance"], perturb))
    assert code == 1
    failed = {line.split()[0] for line in out.splitlines() if "FAIL" in line}
    after = {f"out/netD_basic_instance_feat/model.{i}" for i in range(8, 12)}
    assert failed == after | {"out/netD_basic_instance"}
    assert out.splitlines()[-1].startswith("broken: 13 compared, 0 skipped, worst max_abs_err=")


def test_batch_statistics_output_is_really_checked(official, tmp_path):
    def swap(config, arrays):
        arrays["out/netG_unet"], arrays["out/netG_unet_bn_batchstats"] = (
            arrays["out/netG_unet_bn_batchstats"], arrays["out/netG_unet"])

    code, out, _ = check(subset(official, tmp_path / "swapped", ["netG_unet"], swap))
    assert code == 1
    assert sum("FAIL" in line for line in out.splitlines()) == 2


@pytest.mark.parametrize("option, value, message", [
    ("ndf", 16, "model.0.weight"),                           # wrong width: shape mismatch names the key
    ("norm", "group", "norm='group'"),                       # not an official value
    ("netD", "multiscale", "netD='multiscale'"),
    ("n_layers_D", 4, None),                                 # ignored by 'basic', as officially: passes
    ("use_sigmoid", True, "unknown official discriminator option(s) ['use_sigmoid']"),
])
def test_discriminator_options_are_read_strictly(official, tmp_path, option, value, message):
    def set_option(config, arrays):
        config["official_options"]["netD_basic_instance"][option] = value

    code, _, err = check(subset(official, tmp_path / "opts", ["netD_basic_instance"], set_option))
    if message is None:
        assert code == 0, err
    else:
        assert code == 1 and message in err, err


def test_options_that_change_the_keys_fail_naming_the_key(official, tmp_path):
    def dropout(config, arrays):
        config["official_options"]["netG_resnet"]["use_dropout"] = True

    code, _, err = check(subset(official, tmp_path / "drop", ["netG_resnet"], dropout))
    assert code == 1 and "model.10.conv_block.6.weight" in err, err


@pytest.mark.parametrize("edit, message", [
    (lambda c, a: a.__setitem__("out/netD_basic_instance_logits", a["out/netD_basic_instance"]),
     "no mapping for out/netD_basic_instance_logits"),
    (lambda c, a: a.__setitem__("out/netD_basic_instance_feat/model.12", a["out/netD_basic_instance"]),
     "official module 'model.12'"),
    (lambda c, a: a.__setitem__("netD_basic_instance/model.12.weight", a["netD_basic_instance/model.11.weight"]),
     "were not loaded"),
    (lambda c, a: a.pop("in/netD_basic_instance_x"), "missing input in/netD_basic_instance_x"),
    (lambda c, a: c.__setitem__("model", "pix2pixHD_v2"), "no handler for model 'pix2pixHD_v2'"),
])
def test_unmapped_or_unused_arrays_are_errors(official, tmp_path, edit, message):
    code, _, err = check(subset(official, tmp_path / "bad", ["netD_basic_instance"], edit))
    assert code == 1 and message in err, err


def test_several_directories_fail_if_any_fails(official, tmp_path):
    good = subset(official, tmp_path / "good", ["netD_basic_batch"])
    missing = tmp_path / "missing"
    out, err = io.StringIO(), io.StringIO()
    assert run([str(good), str(missing)], out, err) == 1
    assert out.getvalue().splitlines()[-1].startswith("good: 13 compared, 0 skipped")
    assert "missing: error:" in err.getvalue()
