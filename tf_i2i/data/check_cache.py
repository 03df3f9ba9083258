"""What validation found per file, kept beside the data (``<root>/.tf_i2i_checked.json``) so a
resume, or any later run with the same checks, does not decode every file again.

An entry is used while the file's size and modification time (ns) are those it was checked with
and the config fields the checks read are the same; anything else checks the file again. Only
files that passed are kept. The file is replaced atomically (temp file + rename), so a kill or
a second process never leaves half a cache; a data folder that cannot be written is warned
about once and validated in full every time.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import ml_collections
from absl import logging

from tf_i2i import atomic

CACHE_NAME = ".tf_i2i_checked.json"
CACHE_VERSION = 1  # bump when the checks change, so old passes are not trusted


@dataclasses.dataclass(frozen=True)
class Checked:
    """A file that passed: its decoded size and the hash training compares its bytes with."""

    width: int
    height: int
    content_hash: int


def file_stamp(path: str) -> tuple[int, int] | None:
    """(size, mtime in ns) of ``path``, or None when it cannot be stat'ed (the check reports why)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def checks_key(cfg: ml_collections.ConfigDict) -> str:
    """The config fields the checks read: a pass under other values is not a pass."""
    return json.dumps([CACHE_VERSION, cfg.layout, cfg.num_classes, cfg.dontcare_label, cfg.preprocess, cfg.crop_size])


class CheckCache:
    """Passed files of one data root, keyed by role and path relative to the root."""

    def __init__(self, root: Path, cfg: ml_collections.ConfigDict):
        self.path = root / CACHE_NAME
        self._root = root
        self._checks = checks_key(cfg)
        self._entries = self._load()
        self._dirty = False

    def _load(self) -> dict[str, list]:
        try:
            stored = json.loads(self.path.read_text())
            return stored["entries"] if stored.get("version") == CACHE_VERSION else {}
        except (OSError, ValueError, KeyError, AttributeError):  # absent, unreadable or not ours: start afresh
            return {}

    def _key(self, path: str, role: str) -> str:
        return f"{role} {os.path.relpath(path, self._root)}"

    def get(self, path: str, role: str, stamp: tuple[int, int] | None) -> Checked | None:
        """The stored pass of ``path`` if it was made with this stamp and these checks."""
        entry = self._entries.get(self._key(path, role))
        if stamp is None or not isinstance(entry, list) or len(entry) != 6 or entry[:3] != [*stamp, self._checks]:
            return None
        return Checked(*entry[3:])

    def put(self, path: str, role: str, stamp: tuple[int, int], checked: Checked) -> None:
        self._entries[self._key(path, role)] = [*stamp, self._checks, *dataclasses.astuple(checked)]
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it gained entries, whole or not at all (tf_i2i.atomic)."""
        if not self._dirty:
            return
        try:
            atomic.write_text(self.path, json.dumps({"version": CACHE_VERSION, "entries": self._entries}))
        except OSError as err:
            logging.warning("cannot write the validation cache %s (%s); the files will be checked again next run",
                            self.path, err.strerror or err)
        self._dirty = False
