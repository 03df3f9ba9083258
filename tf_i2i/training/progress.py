"""A one-line progress report: step, steps/s, ETA and the running mean of each logged value."""

from __future__ import annotations

import time
from collections import defaultdict


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


class Progress:
    """Accumulates logs between reports so the printed losses are interval means, not one noisy step."""

    def __init__(self, total_steps: int, start_step: int):
        self.total = total_steps
        self.last_step = start_step
        self.last_time = time.perf_counter()
        self.sums: dict[str, float] = defaultdict(float)
        self.count = 0

    def add(self, logs: dict[str, float]) -> None:
        for name, value in logs.items():
            self.sums[name] += float(value)
        self.count += 1

    def report(self, step: int) -> tuple[str, dict[str, float]]:
        """Returns the progress line and the interval means, and starts a new interval."""
        now = time.perf_counter()
        rate = (step - self.last_step) / max(now - self.last_time, 1e-9)
        means = {k: v / max(self.count, 1) for k, v in self.sums.items()}
        eta = (self.total - step) / rate if rate > 0 else float("inf")
        values = " ".join(f"{k}={v:.4g}" for k, v in means.items())
        line = f"step {step}/{self.total} | {rate:.2f} steps/s | ETA {_duration(eta) if eta != float('inf') else '?'} | {values}"
        self.last_step, self.last_time = step, now
        self.sums.clear()
        self.count = 0
        return line, {**means, "steps_per_sec": rate}
