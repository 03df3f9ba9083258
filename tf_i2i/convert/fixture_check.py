"""Checks our networks against an official-reference fixture directory (../shared/docs/fixtures.md).

A fixture holds official weights, inputs and outputs. A per-family handler (chosen by config.json
`model`) builds our networks from the official options, loads the weights through the converter
and returns, for every `out/` key, our result in the official layout or a Skip. This module
compares, prints the contract lines and decides the exit code. A handler that leaves an `out/`
key without a result is an error, so nothing passes by being ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

import numpy as np

from tf_i2i.convert import (fixtures_cyclegan, fixtures_drit, fixtures_mdmm, fixtures_munit, fixtures_pix2pixhd,
                            fixtures_spade)
from tf_i2i.convert.fixture import Fixture, FixtureError, Result, Skip, load_fixture

# config.json `model` -> function(fixture) -> {out key: our array in the official layout, or Skip}.
HANDLERS: dict[str, Callable[[Fixture], Mapping[str, Result]]] = {
    "cyclegan_pix2pix": fixtures_cyclegan.check,
    "pix2pixHD": fixtures_pix2pixhd.check,
    "SPADE": fixtures_spade.check,
    "munit": fixtures_munit.check_munit,
    "unit": fixtures_munit.check_unit,
    "drit": fixtures_drit.check,
    "mdmm": fixtures_mdmm.check,
}


def tolerance(official: np.ndarray) -> float:
    """The contract: 1e-4 * max(1, max|official|)."""
    return 1e-4 * max(1.0, float(np.max(np.abs(official))) if official.size else 1.0)


def max_abs_err(ours: np.ndarray, official: np.ndarray) -> float:
    """max |ours - official|; inf for a shape mismatch, nan if ours has a nan."""
    if ours.shape != official.shape:
        return float("inf")
    return float(np.max(np.abs(ours.astype(np.float64) - official))) if official.size else 0.0


def _compare_line(key: str, ours: np.ndarray, official: np.ndarray) -> tuple[str, float, bool]:
    err, tol = max_abs_err(ours, official), tolerance(official)
    ok = err <= tol  # False for nan
    line = f"{key} max_abs_err={err:.3g}"
    if not ok:
        line += f"  FAIL (tolerance {tol:.3g}; shape ours {ours.shape}, official {official.shape})"
    return line, err, ok


def check_fixture(path: str | Path, out: TextIO = sys.stdout) -> bool:
    """Prints one line per `out/` array and the summary line; True iff all are within tolerance."""
    fixture = load_fixture(path)
    model = fixture.config.get("model")
    if model not in HANDLERS:
        raise FixtureError(f"{fixture.name}: no handler for model {model!r}; known: {sorted(HANDLERS)}")
    results = HANDLERS[model](fixture)
    missing = [k for k in fixture.out_keys() if k not in results]
    if missing:
        raise FixtureError(f"{fixture.name}: no mapping for out key(s) {missing}")
    compared, skipped, worst, all_ok = 0, 0, 0.0, True
    for key in fixture.out_keys():
        ours = results[key]
        if isinstance(ours, Skip):
            skipped += 1
            print(f"skipped {key}: {ours.reason}", file=out)
            continue
        line, err, ok = _compare_line(key, ours, fixture.arrays[key])
        print(line, file=out)
        compared += 1
        worst = err if np.isnan(err) or err > worst else worst
        all_ok = all_ok and ok
    print(f"{fixture.name}: {compared} compared, {skipped} skipped, worst max_abs_err={worst:.3g}", file=out)
    return all_ok


def run(paths: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Checks every fixture directory; exit code 0 iff all of them pass (errors count as failures)."""
    status = 0
    for path in paths:
        try:
            passed = check_fixture(path, out)
        except ValueError as e:  # FixtureError, ConversionError and our constructors' option errors
            print(f"{Path(path).name}: error: {e}", file=err)
            passed = False
        status = status or (0 if passed else 1)
    return status
