"""The analytic conv (and matmul) FLOP counter on convs with known costs, and tools/bench.py end to end on a tiny
model, with its JSON made into a table by tools/performance_table.py."""

import datetime
import json
import os
import shlex
import subprocess
import sys

import keras
import pytest
import tensorflow as tf

from tf_i2i.config_utils import CONFIG_DIR
from tf_i2i.layers import Conv2D
from tf_i2i.training.flops import function_conv_flops
from tf_i2i.training.threads import thread_counts

REPO = CONFIG_DIR.parent


def test_conv_forward_flops():
    """Conv2D, valid 3x3, 4 -> 8 channels on 2x10x10: 2 * (2*8*8*8) outputs * (3*3*4) MACs each."""
    conv = keras.layers.Conv2D(8, 3)
    x = tf.zeros([2, 10, 10, 4])
    flops = function_conv_flops(tf.function(conv.__call__), x)
    assert flops == {"Conv2D": 2 * (2 * 8 * 8 * 8) * (3 * 3 * 4), "Conv2DBackpropInput": 0,
                     "Conv2DBackpropFilter": 0, "MatMul": 0}


def test_transposed_conv_forward_flops():
    """A transposed conv costs what its adjoint conv does: every input pixel meets 3*3*6 weights."""
    conv = keras.layers.Conv2DTranspose(6, 3, strides=2)
    x = tf.zeros([1, 5, 5, 4])
    flops = function_conv_flops(tf.function(conv.__call__), x)
    assert flops == {"Conv2D": 0, "Conv2DBackpropInput": 2 * (5 * 5 * 4) * (3 * 3 * 6),
                     "Conv2DBackpropFilter": 0, "MatMul": 0}


def test_train_step_flops_follow_the_gradient_rule():
    """G (two convs) is updated, D (one conv) only passes the gradient through: 3x G minus the input
    gradient of G's first conv (its input is data), 2x D (no weight gradient)."""
    g1, g2, d = keras.layers.Conv2D(8, 3, padding="same"), keras.layers.Conv2D(8, 3, padding="same"), \
        keras.layers.Conv2D(1, 3, padding="same")
    x = tf.zeros([1, 16, 16, 3])
    d(g2(g1(x)))
    opt = keras.optimizers.SGD()

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(d(g2(g1(x))))
        variables = g1.trainable_variables + g2.trainable_variables
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss

    fwd_g1, fwd_g2, fwd_d = (2 * 16 * 16 * c_out * 9 * c_in for c_in, c_out in ((3, 8), (8, 8), (8, 1)))
    assert function_conv_flops(step, x) == {"Conv2D": fwd_g1 + fwd_g2 + fwd_d,
                                            "Conv2DBackpropInput": fwd_g2 + fwd_d,
                                            "Conv2DBackpropFilter": fwd_g1 + fwd_g2, "MatMul": 0}


def test_conv_run_as_matmul_costs_what_the_conv_does():
    """A wide conv on a small map runs as im2col @ kernel (tf_i2i.layers.Conv2D): forward and weight
    gradient are MatMuls, the input gradient oneDNN's op, each of the conv's own cost."""
    conv = Conv2D(64, 3)
    x = tf.zeros([1, 6, 6, 64])
    conv(x)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.square(conv(x)))  # its gradient needs the forward output
        return tape.gradient(loss, [x, conv.kernel])

    forward = 2 * (4 * 4 * 64) * (3 * 3 * 64)
    assert function_conv_flops(step, x) == {"Conv2D": 0, "Conv2DBackpropInput": forward, "Conv2DBackpropFilter": 0,
                                            "MatMul": 2 * forward}


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """tools/bench.py once at a tiny size, with the CPU profile (--config.train.parallel_ops=2)
    and --json: (the finished process, the JSON path)."""
    out_json = tmp_path_factory.mktemp("bench") / "bench.json"
    cmd = [sys.executable, str(REPO / "tools" / "bench.py"), "--model=pix2pix",
           f"--config={CONFIG_DIR / 'pix2pix' / 'synthetic.py'}", "--config.train.parallel_ops=2", "--size=64",
           "--batch=1", "--steps=1", "--warmup=1", "--matmul=256", "--data_batches=2", "--conv_repeats=1",
           f"--json={out_json}"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO), out_json


@pytest.mark.timeout(320)
def test_bench_tool_runs_and_reports(bench_run):
    run, out_json = bench_run
    assert run.returncode == 0, run.stderr[-3000:]
    for field in ("peak fp32 matmul", "peak bf16 matmul", "conv work", "train step fp32", "train step bf16",
                  "bf16 vs fp32 output", "generator inference", "tf.data", "peak RSS"):
        assert field in run.stdout, run.stdout
    assert run.stdout.count("PASS") + run.stdout.count("MISS") == 4
    result = json.loads(out_json.read_text())
    assert result["size"] == 64 and result["batch"] == 1
    assert result["step_conv_gflop"] > 0 and result["fp32_step_s"] > 0 and result["bf16_step_s"] > 0
    assert result["bf16_out_max_abs_diff"] < 0.1
    intra, inter = thread_counts(2)
    assert (result["threads"]["intra"], result["threads"]["inter"]) == (intra, inter)  # the opted-in profile


@pytest.mark.timeout(320)
def test_bench_json_describes_the_run_and_makes_a_table_row(bench_run):
    run, out_json = bench_run
    assert run.returncode == 0, run.stderr[-3000:]
    r = json.loads(out_json.read_text())
    taken = datetime.datetime.fromisoformat(r["date"])
    assert taken.tzinfo is not None and abs(datetime.datetime.now().astimezone() - taken).total_seconds() < 3600
    assert shlex.split(r["command"])[1:] == run.args[1:]  # the command line as given
    assert r["cpu"] and r["cores"] == os.cpu_count() and r["tf_version"] == tf.__version__
    for key in ("model", "config", "image_size", "fp32_gflops", "fp32_peak_fraction", "peak_fp32_gflops",
                "peaks", "fp32_infer_s", "bf16_infer_s", "bf16_fp32_step_ratio", "data_headroom", "peak_rss_mb",
                "bf16_out_mean_abs_diff", "bf16_out_mean_rel_diff", "fp32_conv_alone_s", "targets"):
        assert key in r, key

    table = subprocess.run([sys.executable, str(REPO / "tools" / "performance_table.py"), str(out_json),
                            str(out_json)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert table.returncode == 0, table.stderr[-3000:]
    header, separator, *rows = table.stdout.strip().splitlines()
    assert header.startswith("| date | model |") and set(separator) <= set("|- ") and len(rows) == 2
    cells = [c.strip() for c in rows[0].strip("|").split(" | ")]
    assert len(cells) == header.count("|") - 1
    assert cells[0] == r["date"][:10] and cells[1] == f"pix2pix ({r['config']})" and cells[2] == "64x64, batch 1"
    assert cells[3] == f"{r['fp32_step_s']:.3f} s ({r['fp32_gflops']:.1f} GFLOP/s)"
    assert cells[4] == f"{100 * r['fp32_peak_fraction']:.1f} % of {r['peak_fp32_gflops']:.1f}"
    assert cells[5:7] == [f"{r['bf16_step_s']:.3f} s", f"{r['bf16_fp32_step_ratio']:.2f}x"]
    assert cells[7] == f"{1000 * r['fp32_infer_s']:.1f} / {1000 * r['bf16_infer_s']:.1f} ms"
    assert cells[8:10] == [f"{r['data_headroom']:.1f}x", f"{r['peak_rss_mb']:.0f} MB"]
    assert cells[10].startswith(r["cpu"]) and cells[11] == f"`{r['command']}`"


def test_performance_table_refuses_other_json(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"model": "pix2pix"}))
    run = subprocess.run([sys.executable, str(REPO / "tools" / "performance_table.py"), str(other)],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode != 0 and "not written by tools/bench.py --json" in run.stderr
