"""train() under MultiWorkerMirroredStrategy with 2 workers chosen from TF_CONFIG.

The workers talk over 127.0.0.1 only; when `unshare -n` is allowed (root) they run in a private
network namespace, since TF's gRPC server would otherwise listen on every host interface.
"""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers_multiworker import NUM_STEPS, WORKER_TIMEOUT
from tests.helpers_training import run_bounded


def _private_net_prefix() -> list[str]:
    """`unshare -n` when this user may create a network namespace (root), else nothing."""
    unshare = shutil.which("unshare")
    if not (unshare and shutil.which("ip")):
        return []
    return [unshare, "-n"] if subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0 else []


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir, outdir = tmp_path_factory.mktemp("mw_workdir"), tmp_path_factory.mktemp("mw_out")
    prefix = _private_net_prefix()
    cmd = [*prefix, sys.executable, "-m", "tests.helpers_multiworker", "launch", str(workdir), str(outdir)]
    proc = run_bounded(cmd + (["--private-net"] if prefix else []), timeout=WORKER_TIMEOUT + 30)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS ")]
    assert lines, proc.stdout + proc.stderr
    logs = "\n".join(f"--- worker{i}\n" + (outdir / f"worker{i}.log").read_text()[-3000:] for i in range(2))
    return workdir, outdir, json.loads(lines[-1][len("RESULTS "):]), logs


@pytest.mark.timeout(WORKER_TIMEOUT + 60)
def test_both_workers_finish_on_one_two_replica_strategy(run):
    _, outdir, results, logs = run
    assert not results["timed_out"] and results["returncodes"] == [0, 0], logs
    infos = [json.loads((outdir / f"worker{i}.json").read_text()) for i in range(2)]
    assert [i["multi_worker"] for i in infos] == [True, True]
    assert [i["replicas"] for i in infos] == [2, 2]
    assert [i["chief"] for i in infos] == [True, False]
    assert [i["step"] for i in infos] == [NUM_STEPS] * 2


@pytest.mark.timeout(60)
def test_workers_end_with_identical_weights(run):
    _, outdir, results, logs = run
    assert results["returncodes"] == [0, 0], logs
    chief, other = (np.load(outdir / f"worker{i}.npz") for i in range(2))
    assert len(chief.files) == len(other.files) > 0
    for name in chief.files:
        np.testing.assert_array_equal(chief[name], other[name], err_msg=name)


@pytest.mark.timeout(60)
def test_only_the_chief_keeps_outputs(run):
    workdir, _, results, logs = run
    assert results["returncodes"] == [0, 0], logs
    checkpoints = sorted(p.name for p in (workdir / "checkpoints").glob("ckpt-*.index"))
    assert checkpoints == ["ckpt-3.index", "ckpt-6.index"]
    assert len(list((workdir / "logs").glob("events.out.tfevents.*"))) == 1, "only the chief logs"
    assert sorted(p.name for p in (workdir / "samples").glob("*.png")) == ["step_0000003.png", "step_0000006.png"]
    assert not list(workdir.glob("scratch_worker*")), "the non-chief's checkpoint scratch folder was left"
