"""tf_i2i.atomic: a writer killed (SIGKILL) at any step leaves the previous file or folder whole.

Each case runs a small child process (no TensorFlow) that kills itself at one step of the write:
while filling the staged folder, between the renames of the swap, while deleting the old folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tf_i2i import atomic

REPO = Path(__file__).resolve().parent.parent
FILES = ("a", "b", "c")

# Counts the steps of a write (each staged file, each rename, the delete) and SIGKILLs itself at KILL_AT.
_CHILD = """
import os, shutil, signal, sys
from pathlib import Path
from tf_i2i import atomic

target, version, kill_at, files = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
steps = 0

def step():
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

def counted(real):
    def call(*args, **kwargs):
        step()
        return real(*args, **kwargs)
    return call

os.rename, os.replace, shutil.rmtree = counted(os.rename), counted(os.replace), counted(shutil.rmtree)
if target.suffix == ".json":
    atomic.write_text(target, version)
else:
    with atomic.staged_folder(target) as staging:
        for name in files:
            step()
            (staging / name).write_text(version)
"""


def _write(target: Path, version: str, kill_at: int = 0) -> int:
    """Writes `target` (a folder of FILES, or a .json file) holding `version` in a child killed at step kill_at."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", _CHILD, str(target), version, str(kill_at), *FILES],
                          env=env, timeout=60).returncode


def _versions(folder: Path) -> set[str]:
    return {(folder / name).read_text() for name in FILES}


# The child dies just before step kill_at: writing a, b, c into the staged folder (1-3), renaming the
# old folder aside (4), renaming the staged one in (5), deleting the old one (6).
@pytest.mark.parametrize("kill_at", range(1, 7))
def test_a_folder_write_killed_at_any_step_leaves_the_previous_or_the_new_folder_whole(tmp_path, kill_at):
    target = tmp_path / "export"
    assert _write(target, "old") == 0
    assert _write(target, "new", kill_at) == -signal.SIGKILL
    atomic.recover_folder(target)  # what the next reader or writer does first
    assert _versions(target) == ({"old"} if kill_at <= 5 else {"new"})
    assert _write(target, "newer") == 0
    assert _versions(target) == {"newer"}
    assert [p.name for p in tmp_path.iterdir()] == ["export"]  # the killed writer's leftovers are gone


def test_a_file_write_killed_before_its_rename_leaves_the_previous_file(tmp_path):
    target = tmp_path / "bench.json"
    assert _write(target, "old") == 0
    assert _write(target, "new", kill_at=1) == -signal.SIGKILL
    assert target.read_text() == "old"
    assert _write(target, "newer") == 0
    assert target.read_text() == "newer"
    assert [p.name for p in tmp_path.iterdir()] == ["bench.json"]


def test_a_failed_folder_write_leaves_the_previous_folder_and_no_staging(tmp_path):
    target = tmp_path / "run"
    with atomic.staged_folder(target) as staging:
        (staging / "config.json").write_text("old")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic.staged_folder(target) as staging:
            (staging / "config.json").write_text("new")
            raise RuntimeError("disk full")
    assert (target / "config.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_merge_replaces_the_staged_entries_and_keeps_the_others(tmp_path):
    target = tmp_path / "run"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "config.json").write_text("old")
    with atomic.staged_folder(target, merge=True) as staging:
        (staging / "config.json").write_text("new")
    assert (target / "config.json").read_text() == "new" and (target / "notes.txt").read_text() == "mine"
