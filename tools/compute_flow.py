"""Fill the DIS flow cache of a video data set before training, so that training does not wait for
the flows of each new pair (docs/models/vid2vid.md).

  python tools/compute_flow.py --data_root=datasets/street [--split=train] [--preset=medium] [--strides=1,3]
  python tools/compute_flow.py datasets/street/train_B/seq01 datasets/street/train_B/seq02

A sequence is a folder of frames, the images sorted by name (<root>/<split>_B/<seq>/); --data_root
takes every such folder of <root>/<split>_B/ (video files there are not read by this tool). For
each frame i and stride s the flow from frame i to frame i-s is stored in
<root>/.tf_i2i_flow/<split>_B/<seq>/<preset>/, keyed by the frames' size and modification time
(tf_i2i.data.video.flow_cache.frame_file_keys), the cache training reads. vid2vid uses the strides
t * n_frames_D**s for t in 1..max_t_step and s in 0..n_scales_temporal-1: 1 and 3 by default.
Pairs already cached are skipped, so an interrupted run continues where it stopped.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

import functools  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from absl import app, flags, logging  # noqa: E402
from PIL import Image, UnidentifiedImageError  # noqa: E402

from tf_i2i import cli  # noqa: E402
from tf_i2i.data.errors import DatasetError  # noqa: E402
from tf_i2i.data.files import list_images  # noqa: E402
from tf_i2i.data.video.flow_cache import CACHE_FOLDER, FlowCache, cache_location, frame_file_keys  # noqa: E402
from tf_i2i.data.video.flow_teacher import PRESETS  # noqa: E402

_DATA_ROOT = flags.DEFINE_string("data_root", None, "Video data folder: every folder in DATA_ROOT/<split>_B/ is a "
                                 "sequence (instead of sequence folders as arguments).")
_SPLIT = flags.DEFINE_string("split", "train", "With --data_root: the split whose <split>_B/ sequences to do.")
_PRESET = flags.DEFINE_enum("preset", "medium", list(PRESETS), "DIS preset (data.video.flow_preset of the run).")
_STRIDES = flags.DEFINE_list("strides", ["1", "3"], "Flows from frame i to frame i-s for each stride s.")


def _sequence_folders(argv: list[str]) -> list[Path]:
    if _DATA_ROOT.value and argv:
        raise app.UsageError("give --data_root or sequence folders, not both")
    if argv:
        folders = [Path(arg) for arg in argv]
        for folder in folders:
            if not folder.is_dir():
                raise DatasetError(f"sequence folder {folder} does not exist or is not a folder")
        return folders
    if not _DATA_ROOT.value:
        raise app.UsageError("give --data_root or sequence folders")
    frames = Path(_DATA_ROOT.value) / f"{_SPLIT.value}_B"
    folders = sorted(p for p in frames.glob("*") if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise DatasetError(f"no sequence folders in {frames} (expected {frames}/<sequence>/ folders of frames)")
    return folders


def _strides() -> list[int]:
    try:
        strides = sorted({int(s) for s in _STRIDES.value})
    except ValueError:
        strides = []
    if not strides or strides[0] < 1:
        raise app.UsageError(f"--strides must be positive integers, got {','.join(_STRIDES.value)}")
    return strides


def _read_frame(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, UnidentifiedImageError) as err:
        raise DatasetError(f"cannot read frame {path}: {err}") from err


def _fill(folder: Path, preset: str, strides: list[int], label: str) -> tuple[int, int]:
    """Caches the flows of one sequence folder; returns (pairs, pairs computed)."""
    paths = list_images(folder)
    root, sequence = cache_location(folder)
    cache = FlowCache(root, preset)
    keys = frame_file_keys(paths)
    read = functools.lru_cache(maxsize=max(strides) + 2)(lambda i: _read_frame(paths[i]))
    pairs = [(i, i - s) for i in range(len(paths)) for s in strides if i - s >= 0]
    computed = 0
    for n, pair in enumerate(pairs, 1):
        calls = read.cache_info().misses + read.cache_info().hits
        cache.flows(sequence, keys, read, [pair])
        computed += read.cache_info().misses + read.cache_info().hits > calls  # frames read: not cached
        sys.stderr.write(f"\r{label} {sequence}: {n}/{len(pairs)} pairs, {computed} computed")
        sys.stderr.flush()
    sys.stderr.write("\n")
    return len(pairs), computed


def main(argv):
    logging.set_verbosity(logging.INFO)
    folders, strides = _sequence_folders(argv[1:]), _strides()
    start, total, computed = time.perf_counter(), 0, 0
    for k, folder in enumerate(folders, 1):
        pairs, new = _fill(folder, _PRESET.value, strides, f"[{k}/{len(folders)}]")
        total, computed = total + pairs, computed + new
    roots = sorted({str(cache_location(folder)[0] / CACHE_FOLDER) for folder in folders})
    logging.info("%d sequences, %d flows (%d computed, %d already cached) in %.1f s; cache: %s",
                 len(folders), total, computed, total - computed, time.perf_counter() - start, ", ".join(roots))


if __name__ == "__main__":
    cli.run(main)
