"""Cluster a trained pix2pixHD's instance features per class (Sec. 3.4; the official encode_features.py).

  python tools/encode_features.py --workdir=runs/p2phd [--output=runs/p2phd/feature_clusters.npz]

Restores the run's generator and feature encoder, encodes one pass over the training split of
the run's data section (no flip, fixed order), takes one feature per instance (its middle pixel,
classed by its label id; instances larger than H*W/64 pixels) and k-means them per class into
min(instances, config.model.encoder.n_clusters) centres. The file is what tools/export.py
--clusters and tools/translate.py --clusters read (tools/translate.py picks up
RUN/feature_clusters.npz by itself).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from absl import app, flags, logging  # noqa: E402

from tf_i2i import cli  # noqa: E402

from tf_i2i.export import load_trained_model  # noqa: E402
from tf_i2i.export.workdir import load_run_config  # noqa: E402
from tf_i2i.models.pix2pixhd.cluster_fit import check_encoder, encode_and_cluster  # noqa: E402
from tf_i2i.models.pix2pixhd.clusters import CLUSTERS_FILE, ClusterError  # noqa: E402
from tf_i2i.models.spec import CLUSTERS  # noqa: E402
from tf_i2i.registry import get_spec  # noqa: E402

_WORKDIR = flags.DEFINE_string("workdir", None, "pix2pixHD run folder written by tools/train.py or tools/convert.py.")
_OUTPUT = flags.DEFINE_string("output", None, f"Clusters file (default: WORKDIR/{CLUSTERS_FILE}).")
flags.mark_flag_as_required("workdir")


def _progress(count: int) -> None:
    sys.stderr.write(f"\rencoded {count} images")
    sys.stderr.flush()


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    logging.set_verbosity(logging.INFO)
    workdir = Path(_WORKDIR.value)
    config = load_run_config(workdir)
    if CLUSTERS not in get_spec(config.model.name).translate.modes:
        raise ClusterError(f"{workdir} is a {config.model.name} run, which has no feature clusters")
    model = load_trained_model(workdir)
    check_encoder(model)
    try:
        clusters = encode_and_cluster(model, config.data, on_image=_progress)
    finally:
        sys.stderr.write("\n")  # ends the progress line
    path = clusters.save(Path(_OUTPUT.value) if _OUTPUT.value else workdir / CLUSTERS_FILE)
    counts = {c: len(v) for c, v in clusters.centers.items()}
    logging.info("wrote %s: centres per class %s", path, counts)


if __name__ == "__main__":
    cli.run(main)
