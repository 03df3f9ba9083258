"""Compare our networks with official-reference fixtures (contract: ../shared/docs/fixtures.md).

  python tools/check_fixture.py ../shared/fixtures/cyclegan_pix2pix [more fixture dirs ...]

Prints `<out key> max_abs_err=<x>` (or `skipped <out key>: <reason>`) per official output and
`<name>: <n> compared, <k> skipped, worst max_abs_err=<x>` per fixture; exits 0 only if every
compared output is within 1e-4 * max(1, max|official|) and no fixture had an error.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# The checkout this script is in comes first: its tools.fixtures adapters and the tf_i2i they check.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.fixtures.check import run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="fixture directory with config.json and fixture.npz")
    return run(parser.parse_args().dirs)


if __name__ == "__main__":
    sys.exit(main())
