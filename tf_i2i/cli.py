"""How every tool ends: a user error is one line `error: <what>, <where>` on stderr and exit code 2;
`--debug` shows its traceback instead. Anything else is a bug and keeps its traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from absl import app, flags, logging

from tf_i2i.errors import UserError

USER_ERROR_EXIT = 2

DEBUG_FLAG = "debug"


def report_user_errors(main: Callable[[list[str]], object]) -> Callable[[list[str]], object]:
    """main, with a UserError turned into the one-line report and exit code 2."""
    def guarded(argv: list[str]) -> object:
        try:
            return main(argv)
        except UserError as err:
            if flags.FLAGS[DEBUG_FLAG].value:
                raise
            logging.set_verbosity(logging.ERROR)  # TF may warn at exit (e.g. per unrestored checkpoint value)
            sys.stderr.write(f"error: {err}\n")
            sys.stderr.flush()
            sys.exit(USER_ERROR_EXIT)
    return guarded


def run(main: Callable[[list[str]], object]) -> None:
    """app.run(main) with user errors reported as one line. --debug is defined here, at run time, so a
    process that runs several tools one after another gets it for each."""
    if DEBUG_FLAG not in flags.FLAGS:
        flags.DEFINE_bool(DEBUG_FLAG, False, "On a user error (bad file, flag or config value) show the traceback "
                          "instead of one line.")
    app.run(report_user_errors(main))
