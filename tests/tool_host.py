"""Runs tools/<tool>.py programs one after another in ONE child process, as `python tools/x.py args`
would run them, so the tests that run tools pay TensorFlow's start-up (4-5 s) and the imports of
tf_i2i once per pytest process (shared_host) instead of per command.

The child executes each tool file as __main__ (runpy) in the requested folder, with its stdout and
stderr in two log files, and between tools removes the flags the tool defined, unparses the rest
and resets Keras' global state (policy, layer-name counters) and absl's log level, so each tool
starts as in a fresh process. What cannot be undone in-process (TensorFlow's thread pools, fixed
at its first op) makes a command unfit for the host: callers run those in a process of their own.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ToolRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return f"{self.stdout}\n{self.stderr}"


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
        logs = {name: self.log_dir / f"tool_{self.count}.{name}" for name in ("stdout", "stderr")}
        request = {"tool": str(tool), "args": args, "cwd": str(cwd), **{k: str(v) for k, v in logs.items()}}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self._reply(timeout)
        stdout, stderr = (path.read_text(errors="replace") if path.exists() else "" for path in logs.values())
        if reply is None:
            self.close()
            return ToolRun(-1, stdout, stderr + f"\n[tool host: no answer within {timeout:.0f} s or the host died]")
        return ToolRun(reply["returncode"], stdout, stderr)

    def completed(self, tool: Path, args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
        """run() as subprocess.run would report `python tool args`."""
        ran = self.run(tool, args, cwd, timeout)
        return subprocess.CompletedProcess([sys.executable, str(tool), *args], ran.returncode, ran.stdout, ran.stderr)

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


_SHARED: list[tuple[ToolHost, tempfile.TemporaryDirectory]] = []


def shared_host() -> ToolHost:
    """This process's host (started on first use, ended by close_shared_host at the end of the
    pytest session): the tests of a pytest process share one, so TensorFlow and tf_i2i are imported once."""
    if not _SHARED:
        from tests.helpers_training import subprocess_env
        logs = tempfile.TemporaryDirectory(prefix="tool_host_")
        _SHARED.append((ToolHost(subprocess_env(), Path(logs.name)), logs))
    return _SHARED[0][0]


def close_shared_host() -> None:
    """Ends the shared host and removes its logs (a pytest-xdist worker ends without atexit)."""
    while _SHARED:
        host, logs = _SHARED.pop()
        host.close()
        logs.cleanup()


def _run_one(request: dict) -> int:
    """Runs one tool as __main__ with its output in request['stdout'] and ['stderr']; returns its exit code."""
    import runpy
    import traceback

    import keras
    from absl import flags, logging

    before, verbosity = set(flags.FLAGS), logging.get_verbosity()
    saved = os.dup(1), os.dup(2)
    with open(request["stdout"], "w") as out, open(request["stderr"], "w") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
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
            logging.set_verbosity(verbosity)  # a user error sets ERROR (tf_i2i.cli)
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
