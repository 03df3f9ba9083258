"""Classes, colours and street geometry shared by the synthetic scene generator.

The camera looks down a straight street in one-point perspective. Things are placed in street
coordinates: depth t (0 at the horizon, 1 at the bottom row) and metres, so objects shrink
toward the vanishing point as in a photo.
"""

from __future__ import annotations

import dataclasses

import numpy as np

CLASS_NAMES = ("sky", "building", "road", "sidewalk", "grass", "tree", "pole", "car", "person")
SKY, BUILDING, ROAD, SIDEWALK, GRASS, TREE, POLE, CAR, PERSON = range(len(CLASS_NAMES))
NUM_CLASSES = len(CLASS_NAMES)
THING_CLASSES = (CAR, PERSON)
# Label colours (Cityscapes colours of the matching classes): the A side of paired layouts.
PALETTE = np.array(
    [
        (70, 130, 180),
        (70, 70, 70),
        (128, 64, 128),
        (244, 35, 232),
        (152, 251, 152),
        (107, 142, 35),
        (153, 153, 153),
        (0, 0, 142),
        (220, 20, 60),
    ],
    np.uint8,
)
FACADES = np.array(
    [(0.72, 0.62, 0.50), (0.60, 0.33, 0.27), (0.62, 0.62, 0.60), (0.80, 0.76, 0.66), (0.45, 0.47, 0.50)], np.float32
)


@dataclasses.dataclass
class Street:
    """Geometry of the street: maps depth t and metres to pixels."""

    height: int
    width: int
    horizon: float  # y of the horizon (pixels)
    vanish_x: float  # x of the vanishing point
    shift: float  # horizontal offset of the road centre at t = 1 (a slight turn)
    road: float  # road half-width (one 3.5 m lane) in pixels at t = 1
    walk: float  # sidewalk width in pixels at t = 1
    sun: int  # -1: sun from the left, +1: from the right
    travelled: float = 0.0  # metres the camera has moved along the street (video frames; 0 for stills)

    def y(self, t):
        return self.horizon + t * (self.height - self.horizon)

    def depth_at_y(self, y):
        return (y - self.horizon) / (self.height - self.horizon)

    def centre(self, t):
        return self.vanish_x + t * self.shift

    def metre(self, t):
        """Pixels per metre at depth t."""
        return t * self.road / 3.5

    def distance(self, t):
        """Distance from the camera in metres (focal length = image width)."""
        return 3.5 * self.width / (self.road * np.maximum(t, 1e-3))

    def depth_at_distance(self, metres):
        """Depth t of a point ``metres`` ahead of the camera (the inverse of ``distance``)."""
        return 3.5 * self.width / (self.road * metres)

    def along(self, t):
        """Position along the street in metres of a point at depth t: fixed to the world as the camera moves."""
        return self.distance(t) + self.travelled

    def edge(self, t, side: int, lateral: float):
        """x of a point ``lateral`` road half-widths from the centre line on ``side`` (-1 left, +1 right)."""
        return self.centre(t) + side * lateral * t * self.road

    def facade_depth(self, xs, side: int):
        """Depth t of the foot of the facade row on ``side`` (outer edge of the sidewalk) seen in columns ``xs``."""
        outer = 1.0 + self.walk / self.road
        return (xs - self.vanish_x) / (self.shift + side * outer * self.road)

    def ground_depth(self, ys):
        """Depth t of the ground seen in rows ``ys``; 0 (infinitely far) at and above the horizon."""
        return np.maximum(self.depth_at_y(ys), 0.0)


def make_street(rng: np.random.Generator, height: int, width: int) -> Street:
    return Street(
        height=height,
        width=width,
        horizon=height * rng.uniform(0.38, 0.5),
        vanish_x=width * rng.uniform(0.4, 0.6),
        shift=width * rng.uniform(-0.12, 0.12),
        road=width * rng.uniform(0.3, 0.42),
        walk=width * rng.uniform(0.12, 0.2),
        sun=int(rng.choice((-1, 1))),
    )


def hash01(*ints) -> np.ndarray:
    """Deterministic per-cell numbers in [0, 1) for grid patterns (which windows are lit)."""
    h = np.zeros(np.broadcast(*ints).shape, np.int64)
    for i, v in enumerate(ints):
        h = (h ^ (np.asarray(v, np.int64) * (73856093, 19349663, 83492791)[i % 3])) * 2654435761 % (1 << 31)
    return (h % 1000) / 1000.0
