"""Export a trained run: SavedModel (float32 + uint8 endpoints, dynamic sizes), TFLite files and
export_info.json.

  python tools/export.py --workdir=runs/p2p [--output=runs/p2p/export] \
      [--tflite=float32,float16,int8] [--height=256 --width=256] [--tflite_batch=1] [--nocheck_range]
  python tools/export.py --workdir=runs/p2phd --clusters=runs/p2phd/feature_clusters.npz

--clusters (pix2pixHD with a feature encoder; written by tools/encode_features.py) adds the
serve_clusters endpoint and makes serve use cluster 0 of each class instead of zero features.
export_info.json records the paper, its translate modes and the run's inference preprocessing
(config.data), so tools/translate.py --saved_model needs nothing else.

Rebuilds the model from RUN/config.json and restores the newest checkpoint in RUN/checkpoints.
--height/--width fix the TFLite input size (default: config.export.*) and must be multiples of
the generator's size multiple; --tflite= (empty) writes no TFLite file. int8 is dynamic-range
quantization (int8 weights, float activations). --tflite_batch fixes the TFLite batch (default
config.export.tflite_batch, 1; 0 writes a dynamic batch whose callers must send at least 1).
--check_range (default config.export.check_range, on) makes the SavedModel reject NaN/inf and
images outside [-1, 1]; class ids are checked always.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: fewer C++ INFO/WARNING lines (TF 2.21 still prints its start-up ones)

from pathlib import Path  # noqa: E402

from absl import app, flags, logging  # noqa: E402

from tf_i2i import cli  # noqa: E402

from tf_i2i.export import (QUANTIZATIONS, Preprocessing, export_model,  # noqa: E402
                           export_settings, load_trained_model)
from tf_i2i.export.workdir import load_run_config  # noqa: E402
from tf_i2i.models.pix2pixhd.clusters import ClusterError, load_clusters  # noqa: E402
from tf_i2i.models.spec import CLUSTERS  # noqa: E402
from tf_i2i.registry import get_spec  # noqa: E402

_WORKDIR = flags.DEFINE_string("workdir", None, "Run folder written by tools/train.py or tools/convert.py.")
_OUTPUT = flags.DEFINE_string("output", None, "Output folder (default: WORKDIR/export).")
_TFLITE = flags.DEFINE_list("tflite", None, f"TFLite variants, any of {','.join(QUANTIZATIONS)} "
                            "(default: config.export.tflite; empty for none).")
_HEIGHT = flags.DEFINE_integer("height", None, "TFLite input height (default: config.export.height).")
_WIDTH = flags.DEFINE_integer("width", None, "TFLite input width (default: config.export.width).")
_TFLITE_BATCH = flags.DEFINE_integer("tflite_batch", None, "TFLite batch, 0 = dynamic (default: "
                                     "config.export.tflite_batch).")
_CHECK_RANGE = flags.DEFINE_bool("check_range", None, "SavedModel rejects NaN/inf and images outside [-1, 1] "
                                 "(default: config.export.check_range).")
_CLUSTERS = flags.DEFINE_string("clusters", None, "pix2pixHD: feature clusters file to bake into the export.")
flags.mark_flag_as_required("workdir")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    workdir = Path(_WORKDIR.value)
    config = load_run_config(workdir)
    model = load_trained_model(workdir)
    endpoints = None
    if _CLUSTERS.value:
        if CLUSTERS not in get_spec(config.model.name).translate.modes:
            raise ClusterError(f"--clusters does not apply to {config.model.name}: it has no feature clusters")
        endpoints = model.export_endpoints(clusters=load_clusters(_CLUSTERS.value))
    settings = export_settings(config.export, tflite=_TFLITE.value, height=_HEIGHT.value, width=_WIDTH.value,
                               tflite_batch=_TFLITE_BATCH.value, check_range=_CHECK_RANGE.value)
    paths = export_model(model, Path(_OUTPUT.value) if _OUTPUT.value else workdir / "export", endpoints=endpoints,
                         preprocessing=Preprocessing.of(config.data), **settings)
    for name, path in paths.items():
        logging.info("%s: %s", name, path)


if __name__ == "__main__":
    cli.run(main)
