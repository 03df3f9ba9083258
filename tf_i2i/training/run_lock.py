"""One trainer per run folder: an OS lock (fcntl.flock) on a file in the workdir, held while
training. The kernel releases it when the process ends in any way, kill -9 included, so no stale
lock ever blocks the next run; the file keeps the holder's process id for the message."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from tf_i2i.errors import UserError


class RunFolderBusy(UserError):
    """Another process trains in this run folder."""


def lock_name(role: str) -> str:
    """The lock file of one writer role: 'chief' (the real checkpoints, logs, export) or
    'worker<k>' (a multi-worker run's other workers, who write to scratch_worker<k>)."""
    return "train.lock" if role == "chief" else f"train_{role}.lock"


class RunLock:
    """Context manager: holds workdir/<lock_name(role)> or raises RunFolderBusy naming the folder
    and the holder's process id."""

    def __init__(self, workdir: str | Path, role: str = "chief"):
        self.path = Path(workdir) / lock_name(role)
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunFolderBusy(f"run folder {self.path.parent} is in use by another trainer (process id {holder}, "
                                f"lock {self.path.name}); wait for it to finish or use another --workdir") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._fd)  # closing the descriptor releases the lock
        self._fd = None
