"""A one-line progress report: step, steps/s, ETA and the running mean of each logged value."""

from __future__ import annotations

import time

import tensorflow as tf


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def to_host(values: dict[str, tf.Tensor | float]) -> dict[str, float]:
    """Logged values as Python floats: the device-to-host read, which waits for the device to
    finish what it was given (on a GPU a pipeline stall), so the loop does it only to report."""
    return {name: float(value) for name, value in values.items()}


class Progress:
    """Accumulates logs between reports so the printed losses are interval means, not one noisy step.

    The sums are tensors where the step left its logs: adding one step's logs queues an add and
    reads nothing back, so only report() syncs with the device, once per interval.
    """

    def __init__(self, total_steps: int, start_step: int):
        self.total = total_steps
        self.last_step = start_step
        self.last_time = time.perf_counter()
        self.sums: dict[str, tf.Tensor] = {}
        self.count = 0

    def add(self, logs: dict[str, tf.Tensor | float]) -> None:
        for name, value in logs.items():
            value = tf.cast(value, tf.float32)  # a bfloat16 sum would keep 8 bits of the mean
            self.sums[name] = self.sums[name] + value if name in self.sums else value
        self.count += 1

    def report(self, step: int) -> tuple[str, dict[str, float]]:
        """Returns the progress line and the interval means, and starts a new interval."""
        sums = to_host(self.sums)
        now = time.perf_counter()
        rate = (step - self.last_step) / max(now - self.last_time, 1e-9)
        means = {k: v / max(self.count, 1) for k, v in sums.items()}
        eta = (self.total - step) / rate if rate > 0 else float("inf")
        values = " ".join(f"{k}={v:.4g}" for k, v in means.items())
        line = f"step {step}/{self.total} | {rate:.2f} steps/s | ETA {_duration(eta) if eta != float('inf') else '?'} | {values}"
        self.last_step, self.last_time = step, now
        self.sums.clear()
        self.count = 0
        return line, {**means, "steps_per_sec": rate}
