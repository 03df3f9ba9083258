"""MirroredStrategy on 2 logical CPUs trains exactly like one device at the same global batch.

The measurements run in fresh processes (tests/helpers_mirrored.py), because logical devices can
only be configured before TF initialises, which an earlier test in this process may have done.
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers_training import run_bounded

TOL = 1e-5
SPADE_WEIGHT_TOL = 1e-4
# Two processes at once (2 cores; tracing is single-threaded): SPADE's large graph alone, the rest
# together, about the same time each.
GROUPS = (["spade"], ["pix2pix", "cyclegan", "pix2pixhd", "bn_sync_batch", "bn_batch"])


def _measure(checks: list[str]) -> dict:
    proc = run_bounded([sys.executable, "-m", "tests.helpers_mirrored", *checks], timeout=240)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    return json.loads(lines[-1][len("RESULTS "):])


@pytest.fixture(scope="module")
def results():
    with ThreadPoolExecutor(len(GROUPS)) as pool:
        return {name: r for group in pool.map(_measure, GROUPS) for name, r in group.items()}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("model", ["pix2pix", "cyclegan", "pix2pixhd", "spade"])
def test_two_replicas_update_like_one_device(results, model):
    """No dropout, no pool: one SGD step must agree; the update itself is large."""
    r = results[model]
    assert r["replica_batches"] == [2, 2], "each replica must get half of the global batch"
    assert r["update"] > 1000 * TOL, "the steps barely moved the weights: the comparison is vacuous"
    assert r["logs"] < TOL, f"logged losses differ by {r['logs']}"
    # SPADE's generator normalises with synchronised batch norm: its statistics are cross-replica
    # sums, rounded in another order than one device's, and its SGD step is ~100x the others'.
    tol = SPADE_WEIGHT_TOL if model == "spade" else TOL
    assert r["weights"] < tol, f"generator/discriminator variables differ by {r['weights']}"


@pytest.mark.timeout(300)
def test_sync_batch_norm_uses_global_batch_statistics(results):
    r = results["bn_sync_batch"]
    assert r["output"] < TOL and r["input_gradient"] < TOL and r["moving_variance"] < TOL, r


@pytest.mark.timeout(300)
def test_plain_batch_norm_uses_per_replica_statistics(results):
    """The contrast that makes the sync test meaningful: without sync the halves differ."""
    r = results["bn_batch"]
    assert r["output"] > 0.1 and r["input_gradient"] > 0.1 and r["moving_variance"] > 0.01, r
