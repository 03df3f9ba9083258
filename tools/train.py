"""Train a tf_i2i model.

  python tools/train.py --config=configs/pix2pix/synthetic.py --workdir=runs/p2p \
      [--config.train.num_steps=200] [--config.train.mixed_precision=mixed_bfloat16]

Resumes automatically from the newest checkpoint in --workdir; SIGTERM/SIGINT save a checkpoint
before exiting. Writes TensorBoard logs (workdir/logs), sample grids (workdir/samples), and, when
config.export.at_end is set, a SavedModel and .tflite files (workdir/export).
"""

import logging as std_logging
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

from absl import app, flags, logging  # noqa: E402
from ml_collections import config_flags  # noqa: E402

from tf_i2i.training.loop import train  # noqa: E402

_CONFIG = config_flags.DEFINE_config_file("config", None, "Path to a configs/<model>/<dataset>.py file.")
_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder: checkpoints, logs, samples, export.")
flags.mark_flags_as_required(["config", "workdir"])


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    std_logging.getLogger("tensorflow").setLevel(std_logging.WARNING)  # TF's own per-checkpoint INFO lines
    result = train(_CONFIG.value, _WORKDIR.value)
    state = "interrupted (checkpoint saved)" if result.interrupted else "done"
    logging.info("%s at step %d; outputs in %s", state, result.step, _WORKDIR.value)


if __name__ == "__main__":
    app.run(main)
