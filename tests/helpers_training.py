"""Shared pieces of the training tests: tiny configs (in-process and as tools/train.py flags),
fixed batches, variable snapshots and bounded subprocesses.

Everything is sized so one step takes milliseconds on a CPU: 32 px crops, 4 filters, batch 2.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TRAIN_TOOL = REPO / "tools" / "train.py"

_COMMON = {
    "data.synthetic.num_images": 8,
    "data.synthetic.image_size": 36,
    "data.load_size": 36,
    "data.crop_size": 32,
    "train.batch_size": 2,
    "train.num_steps": 6,
    "train.log_every": 1,
    "train.sample_every": 3,
    "train.checkpoint_every": 3,
    "export.at_end": False,
}
# 4 filters under the option names of the pix2pix family (MUNIT/UNIT name theirs dim / n_layer)
_NARROW = {"model.generator.ngf": 4, "model.discriminator.ndf": 4, "model.discriminator.n_layers_D": 1}
_PER_MODEL = {
    "pix2pix": {**_NARROW, "model.generator.netG": "unet_5downs", "model.generator.norm": "instance",
                "model.discriminator.norm": "instance", "model.generator.use_dropout": False,
                "model.discriminator.netD": "n_layers"},
    "cyclegan": {**_NARROW, "model.generator.netG": "resnet_1blocks", "model.pool_size": 0,
                 "model.discriminator.netD": "n_layers"},
    "pix2pixhd": {**_NARROW, "model.generator.n_downsample_global": 2, "model.generator.n_blocks_global": 1,
                  "model.generator.n_blocks_local": 1, "model.discriminator.num_D": 2,
                  "model.encoder.nef": 4, "model.encoder.n_downsample_E": 2},
    "spade": {**_NARROW, "model.loss.vgg_weights": "random", "model.generator.spade_hidden": 8},
    "munit": {"model.generator.dim": 4, "model.generator.mlp_dim": 8, "model.generator.n_res": 1,
              "model.discriminator.dim": 4, "model.discriminator.n_layer": 2, "model.discriminator.num_scales": 2,
              "model.loss.recon_x_cyc_w": 0.0, "model.loss.vgg_weights": "random"},
    "vid2vid": {"model.generator.ngf": 4, "model.generator.n_downsample_G": 2, "model.generator.n_blocks": 1,
                "model.discriminator.ndf": 4, "model.discriminator.n_layers_D": 1, "model.discriminator.num_D": 1,
                "data.video.synthetic.num_sequences": 2, "data.video.synthetic.n_frames": 6,
                "data.video.synthetic.image_size": (32, 64), "data.video.n_frames_total": 3,
                "data.video.niter_step": 2, "data.video.flow_preset": "ultrafast"},
    "init": {"model.generator.dim": 4, "model.generator.mlp_dim": 8, "model.generator.n_res": 1,
             "model.discriminator.dim": 4, "model.discriminator.n_layer": 2, "model.discriminator.num_scales": 2,
             "model.instance.crop_size": 16, "data.boxes.max_boxes": 3, "data.boxes.min_size": 2.0,
             "model.loss.vgg_weights": "random"},
    "unit": {"model.generator.dim": 4, "model.generator.n_res": 1, "model.discriminator.dim": 4,
             "model.discriminator.n_layer": 2, "model.discriminator.num_scales": 2},
}


def tiny_overrides(model: str, **overrides) -> dict:
    """Dotted config keys -> values; `overrides` use '__' for '.' (train__num_steps=4)."""
    return {**_COMMON, **_PER_MODEL[model], **{k.replace("__", "."): v for k, v in overrides.items()}}


def tiny_config(model: str, **overrides):
    """The configs/<model>/synthetic.py config shrunk by tiny_overrides()."""
    from tf_i2i.config_utils import CONFIG_DIR, load_config_file

    config = load_config_file(CONFIG_DIR / model / "synthetic.py")
    for key, value in tiny_overrides(model, **overrides).items():
        *parents, leaf = key.split(".")
        node = config
        for name in parents:
            node = node[name]
        node[leaf] = value
    return config


def train_args(model: str, workdir: Path, **overrides) -> list[str]:
    """tools/train.py's arguments for the same tiny config as tiny_config(), given as --config.* flags."""
    flags = [f"--config.{k}={v}" for k, v in tiny_overrides(model, **overrides).items()]
    return [f"--config={REPO / 'configs' / model / 'synthetic.py'}", f"--workdir={workdir}", *flags]


def train_command(model: str, workdir: Path, **overrides) -> list[str]:
    """tools/train.py with train_args(), as a command line."""
    return [sys.executable, str(TRAIN_TOOL), *train_args(model, workdir, **overrides)]


def subprocess_env(**extra: str) -> dict:
    """The test environment for child processes: quiet TF, the repo importable, no TF_CONFIG leak."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    path = [str(REPO), *filter(None, [env.get("PYTHONPATH")])]
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=os.pathsep.join(path), **extra)
    return env


def run_bounded(cmd: list[str], timeout: float, env: dict | None = None,
                cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Runs cmd (in cwd, the repo by default) in its own process group; on timeout kills the whole
    group (its children too) and fails with the output so far."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or subprocess_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise AssertionError(f"{cmd[:4]} did not finish in {timeout}s; output:\n{stdout}\n{stderr[-4000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


@contextlib.contextmanager
def running(cmd: list[str], log_path: Path, env: dict | None = None):
    """A background process writing to log_path, killed on leaving the block if still alive, so a
    failing test leaves nothing running."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env or subprocess_env(), stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixed_batch(config, batch_size: int | None = None) -> dict:
    """One deterministic batch of config.data (synthetic), as numpy arrays."""
    from tf_i2i.data import build_dataset

    batch = next(iter(build_dataset(config.data, batch_size=batch_size or config.train.batch_size,
                                    seed=config.train.seed, deterministic=True)))
    return {k: v.numpy() for k, v in batch.items()}


def fixed_batch_trainer(model: str, **overrides) -> tuple:
    """(model, its distributed train step, an iterator repeating one fixed batch, that batch) of
    tiny_config(model, **overrides), built from seed 0 (for tests that step one batch)."""
    import keras
    import tensorflow as tf

    from tf_i2i.training.loop import build_trainer_state, make_train_step

    config = tiny_config(model, **overrides)
    keras.utils.set_random_seed(0)
    batch = fixed_batch(config)
    strategy = tf.distribute.get_strategy()
    built = build_trainer_state(config, strategy, batch)
    return built, make_train_step(strategy, built), iter(tf.data.Dataset.from_tensors(batch).repeat()), batch


def snapshot(variables) -> list[np.ndarray]:
    """Value copies of variables, in order (two builds of one config list them in the same order)."""
    return [np.array(v.numpy()) for v in variables]


def max_abs_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    assert [x.shape for x in a] == [y.shape for y in b], "the two variable lists do not line up"
    return max(float(np.max(np.abs(x.astype(np.float64) - y))) for x, y in zip(a, b, strict=True))


def wait_until(condition, proc: subprocess.Popen, timeout: float, what: str) -> None:
    """Polls `condition` while `proc` runs; fails if proc exits or the timeout passes first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"never saw {what} (exit code {proc.poll()})")
        time.sleep(0.02)


def latest_step(workdir: Path) -> int:
    """Step of the checkpoint train() would resume from (0 if none)."""
    import tensorflow as tf

    from tf_i2i.training.checkpoint import TrainCheckpoint

    return TrainCheckpoint.step_of(tf.train.latest_checkpoint(str(TrainCheckpoint.directory_for(workdir))))


def checkpoint_steps(workdir: Path) -> set[int]:
    """Steps of every complete checkpoint on disk."""
    return {int(p.name[len("ckpt-"):-len(".index")]) for p in Path(workdir, "checkpoints").glob("ckpt-*.index")}


def read_summaries(logdir: Path) -> tuple[dict, dict]:
    """(scalars, images) of the TensorBoard event files in logdir, each as {tag: {step: value}}
    (an image value is [width, height, png bytes...])."""
    import tensorflow as tf

    scalars, images = {}, {}
    for path in Path(logdir).glob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                target = images if value.metadata.plugin_data.plugin_name == "images" else scalars
                target.setdefault(value.tag, {})[event.step] = tf.make_ndarray(value.tensor)
    return scalars, images
