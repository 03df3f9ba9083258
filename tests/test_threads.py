"""train.parallel_ops: how many ops run at once, each with a share of the cores, and the bench
figures that must then be measured the same way (peak and conv floor with that many ops at once)."""

import subprocess
import sys
from pathlib import Path

import pytest
import tensorflow as tf

from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.training import bench_utils as bu
from tf_i2i.training.threads import configure_threads, thread_counts

REPO = Path(__file__).resolve().parents[1]


def test_thread_counts_share_the_cores_among_the_ops():
    assert thread_counts(0) == (0, 0)  # TensorFlow's defaults
    assert thread_counts(2, cores=2) == (1, 2)
    assert thread_counts(2, cores=8) == (4, 2)
    assert thread_counts(4, cores=2) == (1, 4)  # never 0 threads per op
    with pytest.raises(ValueError, match="parallel_ops"):
        thread_counts(-1)


@pytest.mark.parametrize("path", sorted(CONFIG_DIR.glob("*/*.py")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_config_carries_machine_tuning(path):
    """Thread settings are opted into by flag (--config.train.parallel_ops=2), not by a paper or data-set config."""
    assert load_config_file(path).train.parallel_ops == 0


def test_configure_threads_sets_a_fresh_process():
    code = ("from tf_i2i.training.threads import configure_threads, thread_counts; "
            "print(configure_threads(2) == thread_counts(2))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "True"


def test_configure_threads_keeps_a_started_process_as_it_is():
    tf.constant(1.0) + 1.0  # TensorFlow has started in this process
    before = (tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
    assert thread_counts(5) != before
    assert configure_threads(5) == before  # a warning, not an error, and nothing changed


def test_bench_peak_and_conv_floor_run_several_ops_at_once():
    assert bu.matmul_peak_gflops(tf.float32, n=64, repeats=2, streams=2) > 0

    @tf.function
    def step(x, k):
        return tf.nn.conv2d(x, k, 1, "VALID")

    graph = step.get_concrete_function(tf.zeros([1, 8, 8, 4]), tf.zeros([3, 3, 4, 4])).graph
    assert bu.isolated_conv_seconds(graph, repeats=1, streams=2) > 0
