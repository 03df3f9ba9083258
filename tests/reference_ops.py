"""Plain-numpy references with torch semantics, written from the definitions, for layer tests."""

from __future__ import annotations

import numpy as np


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, pad: int) -> np.ndarray:
    """torch.nn.functional.conv2d on NHWC x with a HWIO kernel and symmetric zero padding."""
    x = np.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)])
    kh, kw, _, cout = w.shape
    n, h, wd, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, oh, ow, cout), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + stride * oh:stride, j:j + stride * ow:stride, :]
            y += patch @ w[i, j]
    return y + (0 if b is None else b)


def conv_transpose2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, pad: int,
                     output_pad: int) -> np.ndarray:
    """torch.nn.functional.conv_transpose2d: every input pixel scatters kernel * value; the full
    result is cropped by `pad` on each side and `output_pad` rows/cols are kept at the end.
    `w` is Keras's Conv2DTranspose layout [kh, kw, out, in]."""
    n, h, wd, _ = x.shape
    kh, kw, cout, _ = w.shape
    full = np.zeros((n, (h - 1) * stride + kh, (wd - 1) * stride + kw, cout), np.float64)
    for i in range(kh):
        for j in range(kw):
            full[:, i:i + stride * h:stride, j:j + stride * wd:stride, :] += x @ w[i, j].T
    oh = (h - 1) * stride - 2 * pad + kh + output_pad
    ow = (wd - 1) * stride - 2 * pad + kw + output_pad
    y = full[:, pad:pad + oh, pad:pad + ow]
    return y + (0 if b is None else b)


def instance_norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)  # biased, as torch normalises
    return (x - mean) / np.sqrt(var + eps)


def munit_layer_norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    flat = x.reshape(x.shape[0], -1)
    mean = flat.mean(axis=1).reshape(-1, 1, 1, 1)
    std = flat.std(axis=1, ddof=1).reshape(-1, 1, 1, 1)
    return (x - mean) / (std + eps)


def bilinear_resize(x: np.ndarray, out_h: int, out_w: int, align_corners: bool) -> np.ndarray:
    """torch F.interpolate(mode='bilinear') on NHWC."""
    def coords(out_n, in_n):
        d = np.arange(out_n, dtype=np.float64)
        if align_corners:
            src = d * (in_n - 1) / max(out_n - 1, 1)
        else:
            src = np.maximum((d + 0.5) * in_n / out_n - 0.5, 0.0)
        lo = np.minimum(np.floor(src).astype(int), in_n - 1)
        hi = np.minimum(lo + 1, in_n - 1)
        return lo, hi, src - lo

    y0, y1, fy = coords(out_h, x.shape[1])
    x0, x1, fx = coords(out_w, x.shape[2])
    top = x[:, y0][:, :, x0] * (1 - fx)[None, None, :, None] + x[:, y0][:, :, x1] * fx[None, None, :, None]
    bot = x[:, y1][:, :, x0] * (1 - fx)[None, None, :, None] + x[:, y1][:, :, x1] * fx[None, None, :, None]
    return top * (1 - fy)[None, :, None, None] + bot * fy[None, :, None, None]


def assert_matches_official(ours, official: np.ndarray) -> None:
    """The fixture contract's tolerance: |ours - official| <= 1e-4 * max(1, max|official|)."""
    ours = np.asarray(ours, np.float64)
    assert ours.shape == official.shape
    np.testing.assert_allclose(ours, official, rtol=0, atol=1e-4 * max(1.0, np.abs(official).max()))


def random_images(rng: np.random.Generator, batch: int, h: int, w: int, c: int) -> np.ndarray:
    """NHWC float32 images uniform in [-1, 1]."""
    return rng.uniform(-1, 1, (batch, h, w, c)).astype(np.float32)
