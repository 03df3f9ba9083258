"""A 2-worker MultiWorkerMirroredStrategy training run on the loopback interface.

`python -m tests.helpers_multiworker launch WORKDIR OUTDIR [--private-net]` starts two workers with
TF_CONFIG on free 127.0.0.1 ports, kills both if they outlive the timeout, and prints their exit
codes as JSON. With --private-net it expects to run inside `unshare -n` and brings `lo` up first:
TF's gRPC server listens on all interfaces, and a private network namespace keeps it off the host's.

`... worker WORKDIR OUTDIR` (started by launch) runs train() and dumps the final weights and
what strategy it got to OUTDIR/worker<index>.{npz,json}, so the test can compare the workers.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers_training import free_loopback_port, running, subprocess_env, tiny_config

NUM_STEPS = 6
WORKER_TIMEOUT = 180


def worker(workdir: Path, outdir: Path) -> None:
    import numpy as np
    import tensorflow as tf

    from tf_i2i.training.loop import train
    from tf_i2i.training.strategy import is_chief, make_strategy

    config = tiny_config("pix2pix", train__num_steps=NUM_STEPS, train__batch_size=4)
    strategy = make_strategy(config.train.strategy)  # 'auto': must pick multi-worker from TF_CONFIG
    result = train(config, workdir, strategy=strategy)
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    np.savez(outdir / f"worker{index}.npz", *[v.numpy() for v in result.model.weights])
    (outdir / f"worker{index}.json").write_text(json.dumps({
        "multi_worker": isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy),
        "replicas": strategy.num_replicas_in_sync, "chief": is_chief(strategy), "step": result.step}))


def launch(workdir: Path, outdir: Path, private_net: bool) -> None:
    if private_net:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    cluster = {"worker": [f"127.0.0.1:{free_loopback_port()}" for _ in range(2)]}
    cmd = [sys.executable, "-m", "tests.helpers_multiworker", "worker", str(workdir), str(outdir)]
    with contextlib.ExitStack() as stack:  # leaving it kills any worker still running
        procs = [stack.enter_context(running(cmd, outdir / f"worker{index}.log", env=subprocess_env(
            TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}))))
                 for index in range(2)]
        deadline = time.monotonic() + WORKER_TIMEOUT
        while time.monotonic() < deadline and any(p.poll() is None for p in procs):
            time.sleep(0.2)
        timed_out = any(p.poll() is None for p in procs)
    print("RESULTS " + json.dumps({"returncodes": [p.returncode for p in procs], "timed_out": timed_out}))


if __name__ == "__main__":
    mode, workdir, outdir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if mode == "worker":
        worker(workdir, outdir)
    else:
        launch(workdir, outdir, private_net="--private-net" in sys.argv[4:])
