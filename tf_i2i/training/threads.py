"""How many ops a training step runs at once, and with how many threads each.

Why: TensorFlow's default gives every op all cores and lets ops overlap, so on a small machine two
concurrent ops share one thread pool. DRIT's step keeps two independent branches (domains A and B)
busy almost all the time; on the 2-core machine one thread per op with two ops at once ran the
DRIT step 2-8 % faster (three pairs of runs, one after the other). A generator at batch 1 is a
single chain of ops and is better served by the default, so this is a training setting
(`train.parallel_ops`).

It is machine tuning, measured on one 2-core CPU, so no config sets it (they all keep base.py's 0:
TensorFlow's defaults); a run opts in on the command line, the same flag for tools/train.py and
tools/bench.py: `--config.train.parallel_ops=2` (the CPU profile the published DRIT++ figures
were measured with).
"""

from __future__ import annotations

import os

import tensorflow as tf
from absl import logging

from tf_i2i.errors import ConfigError


def thread_counts(parallel_ops: int, cores: int | None = None) -> tuple[int, int]:
    """(intra-op, inter-op) threads for `parallel_ops` ops at once: the cores shared among them.
    0 keeps TensorFlow's defaults, (0, 0)."""
    if parallel_ops < 0:
        raise ConfigError(f"train.parallel_ops must be >= 0, got {parallel_ops}")
    if parallel_ops == 0:
        return 0, 0
    cores = cores or os.cpu_count() or 1
    return max(1, cores // parallel_ops), parallel_ops


def configure_threads(parallel_ops: int) -> tuple[int, int]:
    """Sets the process's op threads for `parallel_ops` (see thread_counts) and returns what is in
    effect. TensorFlow fixes them when it runs its first op: a process that already ran ops (a
    notebook, a test) keeps its threads, with a warning, rather than failing."""
    intra, inter = thread_counts(parallel_ops)
    threading = tf.config.threading
    if (intra, inter) != (threading.get_intra_op_parallelism_threads(), threading.get_inter_op_parallelism_threads()):
        try:
            threading.set_intra_op_parallelism_threads(intra)
            threading.set_inter_op_parallelism_threads(inter)
        except RuntimeError:
            logging.warning("train.parallel_ops=%d asks for %d intra-op and %d inter-op threads, but TensorFlow "
                            "already started in this process; its threads stay as they are", parallel_ops, intra, inter)
    return threading.get_intra_op_parallelism_threads(), threading.get_inter_op_parallelism_threads()
