"""Train a tf_i2i model.

  python tools/train.py --config=configs/pix2pix/synthetic.py --workdir=runs/p2p \
      [--config.train.num_steps=200] [--config.train.mixed_precision=mixed_bfloat16]

Resumes automatically from the newest checkpoint in --workdir; SIGTERM/SIGINT save a checkpoint
before exiting. Writes TensorBoard logs (workdir/logs), sample grids (workdir/samples), and, when
config.export.at_end is set, a SavedModel and .tflite files (workdir/export).
"""

import logging as std_logging
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

from absl import app, flags, logging  # noqa: E402
from ml_collections import config_flags  # noqa: E402

from tf_i2i import cli  # noqa: E402
from tf_i2i.training.loop import train  # noqa: E402

_CONFIG = config_flags.DEFINE_config_file("config", None, "Path to a configs/<model>/<dataset>.py file.")
_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder: checkpoints, logs, samples, export.")
flags.mark_flags_as_required(["config", "workdir"])


def _not_tensorflow_info(record: std_logging.LogRecord) -> bool:
    """Drops TensorFlow's own INFO lines (one per checkpoint and TFLite file) from the progress log."""
    return record.levelno >= std_logging.WARNING or f"{os.sep}tensorflow{os.sep}" not in record.pathname


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    logging.get_absl_handler().addFilter(_not_tensorflow_info)
    result = train(_CONFIG.value, _WORKDIR.value)
    state = "interrupted (checkpoint saved)" if result.interrupted else "done"
    logging.info("%s at step %d; outputs in %s", state, result.step, _WORKDIR.value)


if __name__ == "__main__":
    cli.run(main)
