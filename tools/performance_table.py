"""A Markdown table of tools/bench.py --json results, one row per file, in the order given.

  python tools/performance_table.py runs/bench/*.json > docs/performance.md

Each row carries what makes its figures comparable or not: the date, the machine (CPU model,
cores, TensorFlow) and the exact bench command, so a figure can be re-measured as it was taken.
"""

from __future__ import annotations

import json
from pathlib import Path

from absl import app

from tf_i2i import cli
from tf_i2i.errors import UserError

HEADER = ("date", "model", "size, batch", "fp32 step", "of fp32 peak", "bf16 step", "bf16 / fp32",
          "inference fp32 / bf16", "tf.data vs demand", "peak RSS", "machine", "command")


def row(r: dict) -> tuple[str, ...]:
    """The cells of one bench result (a dict as tools/bench.py --json writes it)."""
    return (
        r["date"][:10],
        f"{r['model']} ({r['config']})",
        f"{r['image_size'] or '{0}x{0}'.format(r['size'])}, batch {r['batch']}",  # '': the config's square crop
        f"{r['fp32_step_s']:.3f} s ({r['fp32_gflops']:.1f} GFLOP/s)",
        f"{100 * r['fp32_peak_fraction']:.1f} % of {r['peak_fp32_gflops']:.1f}",
        f"{r['bf16_step_s']:.3f} s",
        f"{r['bf16_fp32_step_ratio']:.2f}x",
        f"{1000 * r['fp32_infer_s']:.1f} / {1000 * r['bf16_infer_s']:.1f} ms",
        f"{r['data_headroom']:.1f}x",
        f"{r['peak_rss_mb']:.0f} MB",
        f"{r['cpu']}, {r['cores']} cores, TF {r['tf_version']}",
        f"`{r['command']}`",
    )


def markdown_table(results: list[dict]) -> str:
    """Header, separator and one line per result; '|' inside a cell is escaped."""
    lines = [HEADER, ("---",) * len(HEADER), *map(row, results)]
    return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines)


def load(path: Path) -> dict:
    """One bench result; a file from elsewhere (or an older bench without date and command) is refused by name."""
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise UserError(f"{path}: cannot read a bench result ({err})") from err
    missing = [key for key in ("date", "command", "model", "fp32_step_s") if key not in result]
    if missing:
        raise UserError(f"{path}: no {', '.join(missing)}: not written by tools/bench.py --json")
    return result


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise app.UsageError("give one or more bench JSON files")
    print(markdown_table([load(Path(p)) for p in argv[1:]]))


if __name__ == "__main__":
    cli.run(main)
