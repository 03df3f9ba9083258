"""Texture noise fixed to the world, for synthetic video frames: it moves with the surfaces it lies on.

The stills draw their texture in screen space; a video needs each surface to keep its pattern
from frame to frame, so the noise is a function of where the pixel's surface point is in the
world (metres across, up and along the street, the latter taken in the thing's own frame when it
moves). One 2D lattice noise of (across + along, up + 0.618 along) textures all three kinds of
planes (ground, facades, upright objects) without stretching. Octaves finer than about a pixel
fade out so far surfaces do not flicker.
"""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_street import Street

OCTAVES = ((0.25, 0.5), (0.08, 0.3), (0.04, 0.2))  # (cell in metres, weight): the stills' grain scales near by
LATTICE = 512  # the noise repeats every LATTICE cells


def noise_lattice(rng: np.random.Generator) -> np.ndarray:
    """The random lattice values one sequence's noise interpolates, float32 [LATTICE, LATTICE] in [-1, 1]."""
    return rng.uniform(-1.0, 1.0, size=(LATTICE, LATTICE)).astype(np.float32)


def value_noise(u: np.ndarray, v: np.ndarray, lattice: np.ndarray, offset: int = 0) -> np.ndarray:
    """Smooth noise in [-1, 1] with unit cells in (u, v), float32 [their broadcast shape]; ``offset``
    picks another part of the lattice (independent noise)."""
    iu, iv = np.floor(u), np.floor(v)
    fu, fv = (u - iu).astype(np.float32), (v - iv).astype(np.float32)
    fu, fv = fu * fu * (3 - 2 * fu), fv * fv * (3 - 2 * fv)
    iu, iv = iu.astype(np.int64) + offset, iv.astype(np.int64) + 3 * offset
    u0, u1, v0, v1 = iu % LATTICE, (iu + 1) % LATTICE, iv % LATTICE, (iv + 1) % LATTICE
    top = lattice[v0, u0] * (1 - fu) + lattice[v0, u1] * fu
    bottom = lattice[v1, u0] * (1 - fu) + lattice[v1, u1] * fu
    return top * (1 - fv) + bottom * fv


def _pixels(st: Street) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(st.height, dtype=np.float64)[:, None] + 0.5, np.arange(st.width, dtype=np.float64)[None, :] + 0.5


def world_grain(st: Street, depth: np.ndarray, speed: np.ndarray, frame: int, lattice: np.ndarray) -> np.ndarray:
    """Texture noise of a video frame, float32 [H, W] in about [-1, 1] (what the stills' grain is).

    ``depth``/``speed``: the frame's street depth t and speed per pixel (a motion canvas's layers).
    Infinitely far pixels (sky, skyline) get a pattern fixed to the view direction.
    """
    ys, xs = _pixels(st)
    t = depth.astype(np.float64)
    far = t <= 0.0
    t = np.where(far, 1.0, t)
    scale = st.metre(t)  # pixels per metre
    across = (xs - st.vanish_x) / scale - np.where(far, 0.0, 3.5 * st.shift / st.road)
    up = np.where(far, -ys, st.y(t) - ys) / scale
    along = np.where(far, 0.0, st.along(t) - speed * frame)  # moving things: along the street in their own frame
    u, v = across + along, up + 0.618 * along
    grain = np.zeros(depth.shape, np.float32)
    for octave, (cell, weight) in enumerate(OCTAVES):
        detail = np.clip(cell * scale - 0.5, 0.0, 1.0).astype(np.float32)  # fades out below about a pixel per cell
        grain += weight * detail * value_noise(u / cell, v / cell, lattice, 101 * octave)
    return grain


def sky_clouds(st: Street, lattice: np.ndarray) -> np.ndarray:
    """Cloud noise in [-1, 1], float32 [H, W], fixed to the view direction (clouds are infinitely far)."""
    ys, xs = _pixels(st)
    cell = max(st.height / 6, 2.0)  # the stills' cloud size
    return value_noise((xs - st.vanish_x) / cell, ys / cell, lattice, 1000)
