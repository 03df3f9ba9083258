"""Every tool ends a user error with one line `error: ...` and exit code 2; --debug shows the traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers_training import REPO


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.mark.parametrize("debug", [False, True])
def test_a_user_error_is_one_line_and_exit_code_2_or_a_traceback_with_debug(tmp_path, debug):
    bad = tmp_path / "result.json"
    bad.write_text("{not json")
    done = _run("tools/performance_table.py", str(bad), *(["--debug"] if debug else []))
    assert done.returncode == (1 if debug else 2)
    if debug:
        assert "Traceback" in done.stderr and "UserError" in done.stderr
    else:
        assert done.stderr.strip().splitlines() == [f"error: {bad}: cannot read a bench result "
                                                    "(Expecting property name enclosed in double quotes: "
                                                    "line 1 column 2 (char 1))"]
