"""Runs tools/<tool>.py programs one after another in ONE child process, as `python tools/x.py args`
would run them, so a test that runs many documented commands pays TensorFlow's start-up (4-5 s)
once instead of per command.

The child executes each tool file as __main__ (runpy) in the requested folder, with its output in
a log file, and between tools removes the flags the tool defined, unparses the rest and resets
Keras' global state (policy, layer-name counters), so each tool starts as in a fresh process.
What cannot be undone in-process (TensorFlow's thread pools, fixed at its first op) makes a
command unfit for the host: callers run those in a process of their own.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ToolRun:
    returncode: int
    output: str  # the tool's stdout and stderr, interleaved as written


class ToolHost:
    """A child process that runs tools on request; restarted after a crash or a timeout."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.process: subprocess.Popen | None = None
        self.count = 0

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-u", "-m", "tests.tool_host"], cwd=REPO, env=self.env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)

    def run(self, tool: Path, args: list[str], cwd: Path, timeout: float) -> ToolRun:
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        self.count += 1
        log = self.log_dir / f"tool_{self.count}.log"
        request = {"tool": str(tool), "args": args, "cwd": str(cwd), "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self._reply(timeout)
        output = log.read_text(errors="replace") if log.exists() else ""
        if reply is None:
            self.close()
            return ToolRun(-1, output + f"\n[tool host: no answer within {timeout:.0f} s or the host died]")
        return ToolRun(reply["returncode"], output)

    def _reply(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                line = self.process.stdout.readline()
                return json.loads(line) if line else None
        return None

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def _run_one(request: dict) -> int:
    """Runs one tool as __main__ with its output in request['log']; returns its exit code."""
    import runpy
    import traceback

    import keras
    from absl import flags

    before = set(flags.FLAGS)
    saved = os.dup(1), os.dup(2)
    with open(request["log"], "w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        sys.argv = [request["tool"], *request["args"]]
        os.chdir(request["cwd"])
        try:
            runpy.run_path(request["tool"], run_name="__main__")
            code = 0
        except SystemExit as exit_:
            if isinstance(exit_.code, str):  # sys.exit("tool: message"): the interpreter would print it
                print(exit_.code, file=sys.stderr)
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException:  # noqa: BLE001 - a tool's crash is its exit code 1, as in its own process
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for name in set(flags.FLAGS) - before:
                delattr(flags.FLAGS, name)
            flags.FLAGS.unparse_flags()
            keras.mixed_precision.set_global_policy("float32")
            keras.backend.clear_session()
    return code


def _serve() -> None:
    """The child: one request per stdin line, one {'returncode': n} line back on the original stdout."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    import tensorflow  # noqa: F401 - the start-up every tool would pay, paid once here

    for line in sys.stdin:
        replies.write(json.dumps({"returncode": _run_one(json.loads(line))}) + "\n")


if __name__ == "__main__":
    _serve()
