"""Files that appear whole or not at all: written beside their final name, then renamed over it
(a rename within one folder is atomic), so a kill mid-write leaves the previous file, not half of one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yields the path to write instead of `path`; renames it over `path` when the block ends
    normally, deletes it when the block raises."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_atomically(path: str | Path, data: bytes) -> None:
    with replacing(path) as partial, open(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
