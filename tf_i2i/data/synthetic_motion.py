"""The moving world of a synthetic street video: a camera driving down the street, things moving along it.

World positions along the street are metres Z; the camera starts at Z = 0 looking toward +Z. A
thing at Z in frame 0 with speed v (metres per frame, + away from the camera) is at Z + v k in
frame k, seen at distance Z + v k - (camera travel). The camera also pans (the vanishing point
sways sideways: a small yaw) and drifts across the street (the street's ``shift``).

Every surface is a plane of the street's pinhole camera, so a pixel's street depth t (0 =
infinitely far) and speed give where it was one frame earlier: :func:`backward_flow`.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from tf_i2i.data.synthetic_objects import THING_CLASS
from tf_i2i.data.synthetic_street import Street

NEAREST = 1.0  # metres: things nearer than this (or behind the camera) are not drawn
FARTHEST_DEPTH = 0.04  # things farther than this depth t are below a pixel or two and not drawn


def _wave(amplitude: float, period: float, phase: float, frame: int) -> float:
    return amplitude * float(np.sin(2.0 * np.pi * frame / period + phase))


@dataclasses.dataclass(frozen=True)
class CameraPath:
    """How the camera moves: forward speed, a slow pan and a slow sideways drift (both sine waves)."""

    speed: float  # metres per frame along the street
    pan: tuple[float, float, float]  # vanishing point x offset: amplitude (pixels), period (frames), phase
    drift: tuple[float, float, float]  # street shift offset (pixels at depth 1): amplitude, period, phase

    def street(self, st: Street, frame: int) -> Street:
        """The street ``st`` (frame 0's) as the camera sees it in ``frame``."""
        return dataclasses.replace(
            st,
            vanish_x=st.vanish_x + _wave(*self.pan, frame),
            shift=st.shift + _wave(*self.drift, frame),
            travelled=self.speed * frame,
        )


class Mover(NamedTuple):
    """One object of the video's world (parked, walking or driving)."""

    kind: str  # car | person | tree | lamp
    side: int  # -1 left, +1 right (cars: the lane)
    lateral: float  # road half-widths from the centre line (people and trees)
    z: float  # metres along the street in frame 0
    speed: float  # metres per frame along the street
    inst: int  # instance id (class * 1000 + k), 0 for stuff
    look: int  # which RNG stream draws its colours and size

    def depth(self, st: Street, frame: int) -> float | None:
        """Its street depth t in ``frame`` (street ``st`` of that frame), None when not visible."""
        metres = self.z + self.speed * frame - st.travelled
        if metres < NEAREST:
            return None
        t = st.depth_at_distance(metres)
        return t if t >= FARTHEST_DEPTH else None


def sample_camera(rng: np.random.Generator, width: int) -> CameraPath:
    """A camera that drives (85 % of the sequences) or stands, panning and drifting slowly."""
    speed = rng.uniform(0.15, 0.6) if rng.random() < 0.85 else 0.0
    pan = (rng.uniform(0.0, 0.1) * width, rng.uniform(40.0, 160.0), rng.uniform(0.0, 2 * np.pi))
    drift = (rng.uniform(0.0, 0.06) * width, rng.uniform(40.0, 160.0), rng.uniform(0.0, 2 * np.pi))
    return CameraPath(speed, pan, drift)


def sample_movers(
    rng: np.random.Generator, st: Street, parks: np.ndarray, camera: CameraPath, n_frames: int
) -> list[Mover]:
    """Cars, people, trees and lamps along the stretch of street the camera sees in ``n_frames`` frames.

    Each car and person is put where the still scenes put things (depth t as in place_objects) at
    a random frame of the sequence, so every one of them shows up; cars drive at their own speeds
    (oncoming in the left lane), people walk; trees and lamps stand along the whole stretch.
    """
    outer = 1.0 + st.walk / st.road
    last = n_frames - 1
    movers: list[Mover] = []

    def add(kind: str, side: int, lateral: float, z: float, speed: float, inst: int = 0) -> None:
        movers.append(Mover(kind, side, lateral, z, speed, inst, len(movers)))

    def meet(t: float, speed: float) -> float:
        """z in frame 0 of a thing at depth t (frame 0's street) at a random frame of the sequence."""
        frame = rng.integers(0, last + 1)
        return camera.speed * frame + st.distance(t) - speed * frame

    kinds = {"car": rng.integers(2, 6) + n_frames // 10, "person": rng.integers(0, 5) + n_frames // 15}
    for kind, count in kinds.items():
        for k in range(count):
            side = int(rng.choice((-1, 1)))
            if kind == "car":
                lateral, t = 0.0, rng.uniform(0.08, 1.25)
                speed = -rng.uniform(0.2, 0.8) if side < 0 else max(camera.speed + rng.uniform(-0.15, 0.5), 0.0)
            else:
                lateral, t = rng.uniform(1.1, outer - 0.05), rng.uniform(0.12, 1.0)
                speed = rng.choice((-1, 1)) * rng.uniform(0.02, 0.07)
            add(kind, side, lateral, meet(t, speed), speed, THING_CLASS[kind] * 1000 + k)
    near, far = st.distance(1.1), camera.speed * last + st.distance(FARTHEST_DEPTH)
    for side, park in zip((-1, 1), parks):
        density = rng.uniform(0.03, 0.06) if park else rng.uniform(0.0, 0.02) * (rng.random() < 0.5)
        for z in rng.uniform(near, far, size=rng.poisson(density * (far - near))):
            add("tree", side, rng.uniform(outer + 0.2, outer + 3.0) if park else 1.0 + 0.3 * (outer - 1.0), z, 0.0)
        if rng.random() < 0.7:  # street lamps at regular spacing
            spacing = rng.uniform(20.0, 40.0)
            for z in np.arange(near + rng.uniform(0.0, spacing), far, spacing):
                add("lamp", side, 0.0, float(z), 0.0)
    return movers


def backward_flow(before: Street, now: Street, depth: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Flow from a frame (street ``now``, per-pixel street depth t and speed) to the frame before it
    (street ``before``): float32 [H, W, 2] (x, y) pixels, frame_now(p) = frame_before(p + flow(p)).

    A point at distance D moving ``speed`` along the street was D + (camera step) - speed away one
    frame earlier; the pinhole projection scales its offset from the vanishing point by the ratio
    of the distances, and the camera's sideways drift moves it by t times the change of ``shift``.
    """
    h, w = depth.shape
    ys = np.arange(h, dtype=np.float64)[:, None] + 0.5
    xs = np.arange(w, dtype=np.float64)[None, :] + 0.5
    t = depth.astype(np.float64)
    step = now.travelled - before.travelled
    ratio = 1.0 / np.maximum(1.0 + t * (step - speed) / now.distance(1.0), 1e-3)  # D_now / D_before
    x_before = before.vanish_x + ratio * (xs - now.vanish_x - t * (now.shift - before.shift))
    y_before = now.horizon + ratio * (ys - now.horizon)
    return np.stack([x_before - xs, y_before - ys], axis=-1).astype(np.float32)
