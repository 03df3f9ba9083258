"""Measure the flow teacher on this machine: DIS's end-point error against a known flow, and its
speed, for each preset (docs/models/vid2vid.md quotes the numbers).

  python tools/bench_flow.py --images='../shared/data/pix2pixHD/datasets/cityscapes/train_img/*.png'

Each picture, resized to --size, is frame j; frame i is frame j warped by a known smooth flow
(a zoom, a pan and a few moving blobs), frame_i(p) = frame_j(p + flow(p)), so the DIS flow from i to
j has a ground truth. The end-point error (EPE, mean length of estimate - truth in pixels) is taken
over the pixels whose source p + flow(p) lies in the picture, at each --magnitudes (the flow's
95th-percentile length). Speed: the median time of dis_flow on one pair (RGB in, flow out) with
OpenCV's default threads.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

import glob  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from absl import app, flags  # noqa: E402
from PIL import Image  # noqa: E402

from tf_i2i import cli  # noqa: E402
from tf_i2i.data.errors import DatasetError  # noqa: E402
from tf_i2i.data.video.flow_files import sample_bilinear  # noqa: E402
from tf_i2i.data.video.flow_teacher import PRESETS, dis_flow  # noqa: E402

_IMAGES = flags.DEFINE_string("images", None, "Glob of pictures to move by known flows.")
_SIZE = flags.DEFINE_list("size", ["256", "512"], "height,width the pictures are resized to.")
_MAGNITUDES = flags.DEFINE_list("magnitudes", ["2", "8", "24"], "95th-percentile flow lengths (pixels) to test.")
_REPEATS = flags.DEFINE_integer("repeats", 20, "Timed runs per preset.")
flags.mark_flag_as_required("images")


def known_flow(h: int, w: int, magnitude: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth float32 [h, w, 2] flow: zoom about a random centre, a pan, four Gaussian blobs moving
    their own ways; scaled so that 95 % of its vectors are at most `magnitude` long."""
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    points = np.stack([cols, rows], -1)
    centre = rng.uniform([0, 0], [w, h])
    flow = rng.uniform(-0.02, 0.02) * (points - centre) + rng.normal(0, 1, 2)
    for _ in range(4):
        blob_centre, sigma = rng.uniform([0, 0], [w, h]), rng.uniform(0.05, 0.15) * w
        weight = np.exp(-np.sum((points - blob_centre) ** 2, -1) / (2 * sigma**2))
        flow += weight[..., None] * rng.normal(0, 2, 2)
    flow *= magnitude / np.percentile(np.linalg.norm(flow, axis=-1), 95)
    return flow.astype(np.float32)


def _pictures(h: int, w: int) -> list[np.ndarray]:
    paths = sorted(glob.glob(_IMAGES.value))
    if not paths:
        raise DatasetError(f"--images={_IMAGES.value} matches no file")
    return [np.asarray(Image.open(p).convert("RGB").resize((w, h), Image.BICUBIC)) for p in paths]


def _epe(picture: np.ndarray, magnitude: float, preset: str, rng: np.random.Generator) -> tuple[float, float]:
    """(DIS's EPE, the EPE of a zero flow) for `picture` moved by a known flow."""
    h, w = picture.shape[:2]
    truth = known_flow(h, w, magnitude, rng)
    frame_i = np.rint(sample_bilinear(picture.astype(np.float32), truth)).astype(np.uint8)
    rows, cols = np.mgrid[0:h, 0:w]
    x, y = cols + truth[..., 0], rows + truth[..., 1]
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    error = np.linalg.norm(dis_flow(frame_i, picture, preset) - truth, axis=-1)
    return float(error[inside].mean()), float(np.linalg.norm(truth, axis=-1)[inside].mean())


def _ms_per_pair(picture: np.ndarray, preset: str) -> float:
    shifted = np.roll(picture, (2, 3), (0, 1))
    dis_flow(picture, shifted, preset)  # warm-up
    times = []
    for _ in range(_REPEATS.value):
        start = time.perf_counter()
        dis_flow(picture, shifted, preset)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    h, w = (int(v) for v in _SIZE.value)
    magnitudes = [float(m) for m in _MAGNITUDES.value]
    pictures = _pictures(h, w)
    print(f"{len(pictures)} pictures at {h}x{w}, OpenCV {cv2.__version__} with {cv2.getNumThreads()} threads")
    header = " | ".join(f"EPE @{m:g} px" for m in magnitudes)
    print(f"| preset | {header} | ms per pair |\n|---|{'---|' * len(magnitudes)}---|")
    zero = {}  # the same for every preset
    for preset in PRESETS:
        cells = []
        for magnitude in magnitudes:
            rng = np.random.default_rng(0)  # the same flows for every preset
            errors = [_epe(picture, magnitude, preset, rng) for picture in pictures]
            cells.append(f"{np.mean([e for e, _ in errors]):.2f}")
            zero[magnitude] = np.mean([z for _, z in errors])
        print(f"| {preset} | {' | '.join(cells)} | {_ms_per_pair(pictures[0], preset):.1f} |")
    print(f"| (zero flow) | {' | '.join(f'{z:.2f}' for z in zero.values())} | |")


if __name__ == "__main__":
    cli.run(main)
