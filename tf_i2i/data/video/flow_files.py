"""Optical flow files: Middlebury `.flo` and numpy `.npy`, read with a clear error for a bad file,
and flows between neighbouring frames chained into flows across several frames.

`.flo` (Baker et al., "A Database and Evaluation Methodology for Optical Flow"): little-endian
float32 202021.25 (the bytes "PIEH"), int32 width, int32 height, then height * width * 2 float32
(x, y interleaved, row by row). `.npy`: a float array [H, W, 2]. Both hold x (columns) in channel
0 and y (rows) in channel 1, in pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tf_i2i import atomic
from tf_i2i.data.errors import DatasetError

FLOW_EXTENSIONS = (".flo", ".npy")
_FLO_MAGIC = np.float32(202021.25)
_FLO_HEADER = 12  # magic, width, height


def read_flow(path: str | Path) -> np.ndarray:
    """The flow in a `.flo` or `.npy` file: float32 [H, W, 2]; a DatasetError naming the file when it
    is not one (bad magic, truncated, wrong shape, NaN or infinite values)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FLOW_EXTENSIONS:
        raise DatasetError(f"{path}: not a flow file (expected {' or '.join(FLOW_EXTENSIONS)})")
    try:
        flow = _read_flo(path) if suffix == ".flo" else _read_npy(path)
    except OSError as err:
        raise DatasetError(f"{path}: cannot read flow file ({err.strerror or err})") from err
    return check_flow(flow, path)


def _read_flo(path: Path) -> np.ndarray:
    data = path.read_bytes()
    if len(data) < _FLO_HEADER:
        raise DatasetError(f"{path}: truncated .flo file ({len(data)} bytes, the header alone has {_FLO_HEADER})")
    magic = np.frombuffer(data, "<f4", 1)[0]
    if magic != _FLO_MAGIC:
        raise DatasetError(f"{path}: bad magic number {magic!r} (a .flo file starts with {float(_FLO_MAGIC)}, "
                           "the bytes 'PIEH')")
    width, height = (int(v) for v in np.frombuffer(data, "<i4", 2, offset=4))
    if width <= 0 or height <= 0:
        raise DatasetError(f"{path}: bad .flo size {width}x{height} (width x height)")
    expected = _FLO_HEADER + 4 * 2 * width * height
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "too long"
        raise DatasetError(f"{path}: {problem} .flo file: {len(data)} bytes, {width}x{height} flow needs {expected}")
    return np.frombuffer(data, "<f4", offset=_FLO_HEADER).reshape(height, width, 2)


def _read_npy(path: Path) -> np.ndarray:
    try:
        flow = np.load(path, allow_pickle=False)
    except ValueError as err:  # not an .npy, truncated, or an object array
        raise DatasetError(f"{path}: not a readable .npy array ({err})") from err
    if not (isinstance(flow, np.ndarray) and np.issubdtype(flow.dtype, np.floating)):
        raise DatasetError(f"{path}: a flow .npy holds floats, found {getattr(flow, 'dtype', type(flow))}")
    return flow


def check_flow(flow: np.ndarray, where: str | Path) -> np.ndarray:
    """`flow` as float32 [H, W, 2], or a DatasetError naming `where` (wrong shape, NaN or infinite)."""
    flow = np.asarray(flow)
    if flow.ndim != 3 or flow.shape[-1] != 2 or 0 in flow.shape:
        raise DatasetError(f"{where}: a flow is [height, width, 2], found shape {list(flow.shape)}")
    flow = flow.astype(np.float32)
    bad = ~np.isfinite(flow)
    if bad.any():
        y, x, _ = np.argwhere(bad)[0]
        raise DatasetError(f"{where}: {int(bad.any(axis=-1).sum())} flow vectors are NaN or infinite "
                           f"(the first at x={x}, y={y})")
    return flow


def write_flo(path: str | Path, flow: np.ndarray) -> Path:
    """Writes `flow` [H, W, 2] as a Middlebury `.flo` file (whole or not at all); returns `path`."""
    flow = check_flow(flow, path)
    height, width, _ = flow.shape
    header = np.array([_FLO_MAGIC], "<f4").tobytes() + np.array([width, height], "<i4").tobytes()
    return atomic.write_bytes(path, header + flow.astype("<f4").tobytes())


def compose_flows(flows: Sequence[np.ndarray]) -> np.ndarray:
    """The flow from frame i to frame i-k chained from k flows: flows[0] = i -> i-1, flows[1] =
    i-1 -> i-2, ... Each next flow is looked up where the chain so far lands (bilinear, positions
    outside clamped to the border, as tf_i2i.layers.FlowWarp samples images):
    chain(p) = chain_so_far(p) + next(p + chain_so_far(p))."""
    if not flows:
        raise ValueError("compose_flows needs at least one flow")
    chain = check_flow(flows[0], "flow 0").copy()
    for n, flow in enumerate(flows[1:], 1):
        flow = check_flow(flow, f"flow {n}")
        if flow.shape != chain.shape:
            raise DatasetError(f"flow {n} is {flow.shape[1]}x{flow.shape[0]}, flow 0 is "
                               f"{chain.shape[1]}x{chain.shape[0]}: flows to chain have one size")
        chain += sample_bilinear(flow, chain)
    return chain


def sample_bilinear(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """`image` [H, W, C] sampled at p + `flow`(p) (bilinear, border clamp, pixel centres at integers)."""
    h, w = image.shape[:2]
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    x = np.clip(cols + flow[..., 0], 0, w - 1)
    y = np.clip(rows + flow[..., 1], 0, h - 1)
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    wx, wy = (x - x0)[..., None], (y - y0)[..., None]
    top = image[y0, x0] * (1 - wx) + image[y0, x1] * wx
    bottom = image[y1, x0] * (1 - wx) + image[y1, x1] * wx
    return (top * (1 - wy) + bottom * wy).astype(np.float32)
