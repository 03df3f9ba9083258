"""A fixture directory of official-reference arrays (../shared/docs/fixtures.md) as handlers see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tf_i2i.convert.state_dict import StateDict


class FixtureError(ValueError):
    """The fixture cannot be checked: unknown model or option, an `out/` key with no mapping, ..."""


@dataclass(frozen=True)
class Skip:
    """An `out/` array deliberately not compared (a variant the config marks as such)."""

    reason: str


@dataclass
class Fixture:
    """A fixture directory: config.json and the arrays of fixture.npz."""

    name: str
    config: dict[str, Any]
    arrays: dict[str, np.ndarray]

    def out_keys(self) -> list[str]:
        return [k for k in self.arrays if k.startswith("out/")]

    def state_dict(self, role: str) -> StateDict:
        """The official state_dict of one role (`<role>/<key>` arrays), consumed key by key."""
        prefix = f"{role}/"
        arrays = {k[len(prefix):]: v for k, v in self.arrays.items() if k.startswith(prefix)}
        if not arrays:
            raise FixtureError(f"{self.name}: no weights {prefix}* for role {role!r}")
        return StateDict(arrays, source=f"{self.name}/{role}")

    def input_nhwc(self, key: str) -> np.ndarray:
        """An `in/` array, NCHW as the official forward took it, as NHWC float32."""
        full = f"in/{key}"
        if full not in self.arrays:
            raise FixtureError(f"{self.name}: missing input {full}")
        return np.transpose(self.arrays[full], (0, 2, 3, 1)).astype(np.float32)


Result = np.ndarray | Skip  # what a handler returns per out/ key: our array (official layout) or Skip


def load_fixture(path: str | Path) -> Fixture:
    """Reads config.json and every array of fixture.npz (a few MB: all kept in memory)."""
    path = Path(path)
    config_path, npz_path = path / "config.json", path / "fixture.npz"
    for p in (config_path, npz_path):
        if not p.is_file():
            raise FixtureError(f"{path}: missing {p.name}")
    with np.load(npz_path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return Fixture(path.resolve().name, json.loads(config_path.read_text()), arrays)


