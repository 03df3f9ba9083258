"""The analytic conv (and matmul) FLOP counter on convs with known costs, and tools/bench.py end to end on a tiny model."""

import json
import subprocess
import sys

import keras
import pytest
import tensorflow as tf

from tf_i2i.config_utils import CONFIG_DIR
from tf_i2i.layers import Conv2D
from tf_i2i.training.flops import function_conv_flops

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
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
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


@pytest.mark.timeout(120)
def test_bench_tool_runs_and_reports(tmp_path):
    out_json = tmp_path / "bench.json"
    cmd = [sys.executable, str(REPO / "tools" / "bench.py"), "--model=pix2pix",
           f"--config={CONFIG_DIR / 'pix2pix' / 'synthetic.py'}", "--size=64", "--batch=1", "--steps=1",
           "--warmup=1", "--matmul=256", "--data_batches=2", "--conv_repeats=1", f"--json={out_json}"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    for field in ("peak fp32 matmul", "peak bf16 matmul", "conv work", "train step fp32", "train step bf16",
                  "bf16 vs fp32 output", "generator inference", "tf.data", "peak RSS"):
        assert field in run.stdout, run.stdout
    assert run.stdout.count("PASS") + run.stdout.count("MISS") == 4
    result = json.loads(out_json.read_text())
    assert result["size"] == 64 and result["batch"] == 1
    assert result["step_conv_gflop"] > 0 and result["fp32_step_s"] > 0 and result["bf16_step_s"] > 0
    assert result["bf16_out_max_abs_diff"] < 0.1
