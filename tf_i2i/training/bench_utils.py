"""Measurement helpers for tools/bench.py: machine peak, step timing, pipeline rate, CPU contention, memory.

Kept apart from the tool so each piece can be tested on a tiny model and reused by other
benchmarks. Every timing here synchronises on the result (``.numpy()``) so it measures work
done, not work queued, and reports the median so one slow step (another process waking up)
does not move the figure.
"""

from __future__ import annotations

import collections
import glob
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import keras
import ml_collections
import numpy as np
import psutil
import tensorflow as tf

from tf_i2i.data import build_dataset
from tf_i2i.models.base import GANModel
from tf_i2i.training.flops import live_conv_ops
from tf_i2i.training.loop import build_trainer_state, make_train_step


def _sync(result: Any) -> None:
    """Blocks until every tensor in a (nested) result is computed."""
    for t in tf.nest.flatten(result):
        if isinstance(t, tf.Tensor):
            t.numpy()


def time_calls(fn: Callable, args: tuple, steps: int, warmup: int) -> list[float]:
    """Wall seconds of `steps` calls of fn(*args) after `warmup` untimed calls (tracing, oneDNN set-up)."""
    for _ in range(warmup):
        _sync(fn(*args))
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        _sync(fn(*args))
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def matmul_peak_gflops(dtype: tf.DType, n: int = 2048, repeats: int = 10, streams: int = 1) -> float:
    """GFLOP/s of n x n x n matmuls in `dtype` on all cores: the attainable dense peak.

    A square matmul is the most efficient kernel oneDNN has, so it is the ceiling that conv
    throughput is compared with. The median of `repeats` runs, like the step times it is compared
    with: on a VM the best single run can catch a moment when the host's other tenants are idle
    (seen here: 150 GFLOP/s typical, single runs up to 237). `streams` independent matmuls run at
    once, so that a process whose ops get a share of the cores each (train.parallel_ops) still
    measures all of them.
    """
    pairs = [tuple(tf.cast(tf.random.stateless_normal([n, n], seed=[i, j]), dtype) for j in (1, 2))
             for i in range(streams)]
    matmuls = tf.function(lambda pairs: [tf.linalg.matmul(a, b) for a, b in pairs])
    return streams * 2.0 * n ** 3 / median(time_calls(matmuls, (pairs,), repeats, warmup=1)) / 1e9


def build_model(config: ml_collections.ConfigDict, policy: str, batch: dict) -> GANModel:
    """A fresh model with every variable built, under a Keras dtype policy (restored afterwards).

    Goes through the loop's own build_trainer_state so the benchmarked model is the trained one.
    """
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(config.train.seed)
    try:
        return build_trainer_state(config, tf.distribute.get_strategy(), batch)
    finally:
        keras.mixed_precision.set_global_policy(previous)


def train_step_function(model: GANModel, batch: dict) -> tuple[Callable, tuple]:
    """The loop's own distributed step (make_train_step) and its argument: an iterator that
    yields `batch` forever, so the timing sees the step the loop runs but not the input pipeline."""
    strategy = tf.distribute.get_strategy()
    batches = tf.data.Dataset.from_tensors(batch).repeat()
    return make_train_step(strategy, model), (iter(strategy.experimental_distribute_dataset(batches)),)


def generator_function(model: GANModel) -> tf.types.experimental.PolymorphicFunction:
    """The model's main inference (GANModel.infer) on a batch, as a tf.function."""
    return tf.function(model.infer)


def output_difference(a: tf.Tensor, b: tf.Tensor) -> tuple[float, float]:
    """(max, mean) absolute difference of two outputs, compared in float32."""
    diff = np.abs(np.asarray(tf.cast(a, tf.float32)) - np.asarray(tf.cast(b, tf.float32)))
    return float(diff.max()), float(diff.mean())


def images_in(tensor: tf.Tensor) -> int:
    """Images in an image tensor: its batch size, times its frames for a video [B, T, H, W, C]."""
    return int(np.prod(tensor.shape[:-3]))


def first_image(batch: dict) -> tf.Tensor:
    """The batch's first image tensor in key order ([B, H, W, C], or frames [B, T, H, W, C])."""
    return next(t for _, t in sorted(batch.items()) if t.shape.rank in (4, 5))


def images_per_batch(batch: dict) -> int:
    """Images a batch feeds the step: every image tensor's images (e.g. A and B; the frames of a
    vid2vid chunk)."""
    return sum(images_in(t) for t in tf.nest.flatten(batch) if t.shape.rank in (4, 5))


def dataset_images_per_second(config: ml_collections.ConfigDict, batch_size: int, batches: int,
                              warmup: int = 2) -> float:
    """Images/s the config's tf.data pipeline delivers alone (parallel map on all cores)."""
    iterator = iter(build_dataset(config.data, batch_size=batch_size, seed=0, deterministic=False))
    per_batch = images_per_batch(next(iterator))
    for _ in range(warmup):
        next(iterator)
    start = time.perf_counter()
    for _ in range(batches):
        _sync(next(iterator))
    return batches * per_batch / (time.perf_counter() - start)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class OtherCpu:
    """Context manager: share of the machine's CPU that other processes used meanwhile.

    A shared machine makes timings noisy; reporting this next to each timing says how much
    of the measured time may be contention rather than our own work (0 = machine was ours).
    """

    fraction: float = 0.0

    def __enter__(self) -> OtherCpu:
        self._proc = psutil.Process()
        self._start = (time.perf_counter(), self._busy(), self._own())
        return self

    def __exit__(self, *exc) -> None:
        wall0, busy0, own0 = self._start
        wall = time.perf_counter() - wall0
        others = (self._busy() - busy0) - (self._own() - own0)
        self.fraction = max(0.0, others / (wall * psutil.cpu_count()))

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()  # guest times are already inside user/nice: not added again
        return sum(getattr(t, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq", "steal"))

    def _own(self) -> float:
        t = self._proc.cpu_times()
        return t.user + t.system


def cpu_info() -> dict:
    """CPU model name and which native bf16 instructions it has (without them oneDNN emulates bf16)."""
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = set(info.get("flags", "").split())
    return {"model": info.get("model name", "unknown"),
            "bf16_flags": {name: name in flags for name in ("avx512_bf16", "amx_bf16", "avx512f")}}


_CONV_ATTRS = ("strides", "padding", "explicit_paddings", "data_format", "dilations")
_MATMUL_ATTRS = ("transpose_a", "transpose_b")


def _replay_attrs(op: tf.Operation) -> dict:
    return {a: op.get_attr(a) for a in (_MATMUL_ATTRS if op.type == "MatMul" else _CONV_ATTRS)}


def _replay_inputs(op: tf.Operation) -> dict[str, tf.Tensor]:
    """Inputs of the same shapes and dtypes as a traced conv op's, by tf.raw_ops argument name."""
    def rand(t):
        return tf.cast(tf.random.stateless_normal(t.shape, seed=[0, 0]), t.dtype)

    size = tf.constant(op.outputs[0].shape.as_list(), tf.int32)
    if op.type == "MatMul":
        return {"a": rand(op.inputs[0]), "b": rand(op.inputs[1])}
    if op.type == "Conv2D":
        return {"input": rand(op.inputs[0]), "filter": rand(op.inputs[1])}
    if op.type == "Conv2DBackpropInput":
        return {"input_sizes": size, "filter": rand(op.inputs[1]), "out_backprop": rand(op.inputs[2])}
    return {"input": rand(op.inputs[0]), "filter_sizes": size, "out_backprop": rand(op.inputs[2])}


def isolated_conv_seconds(graph: tf.Graph, repeats: int, streams: int = 1) -> float:
    """Seconds the live conv ops of a traced step take when each runs alone, summed.

    Each distinct op (type, shapes, dtype, strides/padding) is re-run by itself through
    tf.raw_ops -- the same oneDNN kernel the step gets -- and its median time counted as often as
    the step runs it. That is what the step would take if everything but the convs were free and
    nothing competed with them: the convolution floor of the step. With `streams` > 1 (ops given
    a share of the cores each) that many copies run at once and the time per copy is counted.
    """
    groups: dict[tuple, list[tf.Operation]] = collections.defaultdict(list)
    for op in live_conv_ops(graph):
        attrs = tuple((a, str(v)) for a, v in _replay_attrs(op).items())
        shapes = tuple(str(t.shape) for t in (*op.inputs, *op.outputs))
        groups[(op.type, shapes, op.outputs[0].dtype.name, attrs)].append(op)
    total = 0.0
    for ops in groups.values():
        op = ops[0]
        kernel = getattr(tf.raw_ops, op.type)
        attrs = _replay_attrs(op)
        fn = tf.function(lambda copies, k=kernel, a=attrs: [k(**inputs, **a) for inputs in copies])
        copies = [_replay_inputs(op) for _ in range(streams)]  # distinct inputs: no op is merged away
        total += len(ops) * median(time_calls(fn, (copies,), repeats, warmup=1)) / streams
    return total


_OP_EVENT = re.compile(r"^[^:\s]+:(\w+)$")  # executor events are named "<op name>:<op type>"


def op_time_breakdown(fn: Callable, args: tuple, steps: int = 1) -> dict[str, float]:
    """Seconds per call spent in each op type (tf.profiler trace of `steps` calls), largest first.

    Ops running concurrently on different inter-op threads both count, so the total can exceed
    the wall time of a call.
    """
    from tensorflow.tsl.profiler.protobuf import xplane_pb2  # only needed when profiling

    _sync(fn(*args))
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        for _ in range(steps):
            _sync(fn(*args))
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        (path,) = glob.glob(f"{logdir}/**/*.xplane.pb", recursive=True)
        with open(path, "rb") as f:
            space.ParseFromString(f.read())
    totals: collections.Counter = collections.Counter()
    for plane in space.planes:
        names = {k: v.name for k, v in plane.event_metadata.items()}
        for line in plane.lines:
            for event in line.events:
                match = _OP_EVENT.match(names.get(event.metadata_id, ""))
                if match:
                    totals[match.group(1)] += event.duration_ps / 1e12 / steps
    return dict(totals.most_common())
