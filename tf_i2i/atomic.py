"""Files and folders that appear whole or not at all, whatever moment the writing process is killed at.

A file is written under a hidden temporary name beside its final one (same folder, so the same
file system) and renamed over it: os.replace is atomic, so a reader sees the old file or the new
one, never a part.

A folder (an export) is staged the same way, as a hidden sibling, then swapped in by renames:
  1. the previous folder NAME -> .NAME.old
  2. the staged folder -> NAME
  3. .NAME.old is deleted.
A kill between 1 and 2 leaves no NAME but a whole .NAME.old: recover_folder, run by the next write
and by readers, renames it back. So at any moment NAME is the previous folder, the new one, or
missing with the previous one restored by the next reader or writer; never a mix. Staged
folders and temporary files of killed writers (their process id is in the name) are deleted by
the next write of the same name. This guards against a killed process, not a power cut (no fsync),
and assumes one writer per name at a time (a training run locks its run folder).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

_TEMP = ".tmp"
_STAGING = ".staging"
_OLD = ".old"


def _sibling(path: Path, suffix: str) -> Path:
    """A hidden name beside `path` that holds this process's id: .NAME.<pid>-<random><suffix>."""
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{suffix}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_leftovers(path: Path, suffix: str) -> None:
    """Deletes the temporaries of `path` that writers which are no longer running left behind."""
    if not path.parent.is_dir():
        return
    prefix = f".{path.name}."
    for entry in path.parent.iterdir():
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        pid = name[len(prefix):-len(suffix)].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yields a temporary path beside `path` to write the file at; on success it is renamed over
    `path`, on an exception removed (and `path` left as it was)."""
    path = Path(path)
    suffix = _TEMP + path.suffix  # the final extension last: writers that pick the format by it (OpenCV) need it
    _remove_leftovers(path, suffix)
    temp = _sibling(path, suffix)
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Writes `data` to `path` whole or not at all; returns `path`."""
    with replacing(path) as temp:
        temp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Writes `text` to `path` whole or not at all; returns `path`."""
    return write_bytes(path, text.encode())


def _old(path: Path) -> Path:
    return path.parent / f".{path.name}{_OLD}"


def recover_folder(path: str | Path) -> None:
    """Finishes a folder swap a kill interrupted: restores the previous folder when `path` is
    missing, deletes it when the new one is in place."""
    path = Path(path)
    old = _old(path)
    if old.is_dir():
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(old, path)


@contextlib.contextmanager
def staged_folder(path: str | Path, merge: bool = False) -> Iterator[Path]:
    """Yields an empty folder beside `path` to write into; on success it replaces `path` as a
    whole (the swap in the module doc), or with `merge` each of its entries replaces the entry of
    that name in an existing `path` (each entry whole; other entries stay). On an exception the
    staged folder is deleted and `path` left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(path)
    _remove_leftovers(path, _STAGING)
    staging = _sibling(path, _STAGING)
    staging.mkdir()
    try:
        yield staging
        if merge and path.is_dir():
            for entry in staging.iterdir():
                os.replace(entry, path / entry.name)
            staging.rmdir()
        else:
            _swap(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, path: Path) -> None:
    if not path.exists():
        os.rename(staging, path)
        return
    old = _old(path)
    os.rename(path, old)
    os.rename(staging, path)
    shutil.rmtree(old, ignore_errors=True)
