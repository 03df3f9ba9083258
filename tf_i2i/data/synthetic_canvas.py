"""A tiny numpy rasteriser for the synthetic scenes: shapes paint every scene layer at once.

Each shape is rasterised only inside its clipped bounding box (pixel centres at +0.5), so a
scene of a few dozen objects renders in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

Colour = tuple[float, float, float]


class Shape(NamedTuple):
    """A rasterised shape: its box in the canvas, the covered pixels, and pixel-centre coordinates."""

    box: tuple[slice, slice]
    mask: np.ndarray  # bool [h, w] inside the box
    ys: np.ndarray  # float [h, 1]
    xs: np.ndarray  # float [1, w]


class Canvas:
    """Layers of one scene: class ids, instance ids, shaded surface colour and night-time emission.

    With ``motion`` (video frames) two more layers say how each pixel's surface moves: its street
    depth t (0 = infinitely far) and its speed along the street, taken from the surface set by
    :meth:`on_surface` when a shape is painted.
    """

    def __init__(self, height: int, width: int, motion: bool = False):
        self.height, self.width = height, width
        self.label = np.zeros((height, width), np.uint8)
        self.instance = np.zeros((height, width), np.int32)
        self.albedo = np.zeros((height, width, 3), np.float32)
        self.emission = np.zeros((height, width, 3), np.float32)
        self.depth = np.zeros((height, width), np.float32) if motion else None
        self.speed = np.zeros((height, width), np.float32) if motion else None
        self._surface_depth: Callable[[Shape], float | np.ndarray] = lambda shape: 0.0
        self._surface_speed = 0.0
        self._ys = np.arange(height, dtype=np.float32)[:, None] + 0.5
        self._xs = np.arange(width, dtype=np.float32)[None, :] + 0.5

    def on_surface(self, depth: Callable[[Shape], float | np.ndarray], speed: float = 0.0) -> None:
        """Shapes painted from now on lie on a surface whose street depth t at a shape's pixels is
        ``depth(shape)`` and which moves ``speed`` metres per frame along the street."""
        self._surface_depth, self._surface_speed = depth, speed

    def _box(self, y0: float, y1: float, x0: float, x1: float):
        ya, yb = max(int(np.floor(y0)), 0), min(int(np.ceil(y1)), self.height)
        xa, xb = max(int(np.floor(x0)), 0), min(int(np.ceil(x1)), self.width)
        if ya >= yb or xa >= xb:
            return None
        return (slice(ya, yb), slice(xa, xb)), self._ys[ya:yb], self._xs[:, xa:xb]

    def rect(self, y0: float, y1: float, x0: float, x1: float) -> Shape | None:
        """Axis-aligned rectangle [y0, y1) x [x0, x1)."""
        found = self._box(y0, y1, x0, x1)
        if found is None:
            return None
        box, ys, xs = found
        return Shape(box, (ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1), ys, xs)

    def ellipse(self, cy: float, cx: float, ry: float, rx: float) -> Shape | None:
        found = self._box(cy - ry, cy + ry, cx - rx, cx + rx)
        if found is None or ry <= 0 or rx <= 0:
            return None
        box, ys, xs = found
        return Shape(box, ((ys - cy) / ry) ** 2 + ((xs - cx) / rx) ** 2 <= 1.0, ys, xs)

    def twin(self, y0: float, y1: float, x: float, offset: float, half: float) -> Shape | None:
        """Two bars (wheels, legs, arms, lamps) centred at x - offset and x + offset, each >= 1 pixel wide."""
        half = max(half, 0.5)
        found = self.rect(y0, y1, x - offset - half, x + offset + half)
        if found is None:
            return None
        return found._replace(mask=found.mask & (np.abs(np.abs(found.xs - x) - offset) < half))

    def trapezoid(self, y0: float, y1: float, top: tuple[float, float], bottom: tuple[float, float]) -> Shape | None:
        """Rows y0..y1 whose [left, right) span moves linearly from ``top`` to ``bottom``."""
        found = self._box(y0, y1, min(top[0], bottom[0]), max(top[1], bottom[1]))
        if found is None or y1 <= y0:
            return None
        box, ys, xs = found
        t = (ys - y0) / (y1 - y0)
        left = top[0] + t * (bottom[0] - top[0])
        right = top[1] + t * (bottom[1] - top[1])
        return Shape(box, (ys >= y0) & (ys < y1) & (xs >= left) & (xs < right), ys, xs)

    def paint(
        self,
        shape: Shape | None,
        colour: Colour | np.ndarray,
        cls: int | None = None,
        instance: int | None = None,
        shade: float | np.ndarray = 1.0,
        emission: Colour | np.ndarray = (0.0, 0.0, 0.0),
    ) -> int:
        """Paint ``shape`` with ``colour`` x ``shade``; returns the number of pixels covered.

        ``cls``/``instance`` None keeps the ids underneath (details such as windows or wheels);
        an ``instance`` of None with a ``cls`` sets the stuff convention instance = class id.
        """
        if shape is None:
            return 0
        box, mask = shape.box, shape.mask
        if cls is not None:
            self.label[box][mask] = cls
            self.instance[box][mask] = cls if instance is None else instance
        shade = np.asarray(shade, np.float32)
        _put(self.albedo[box], mask, np.asarray(colour, np.float32) * (shade[..., None] if shade.ndim else shade))
        _put(self.emission[box], mask, emission)
        self._move(shape)
        return int(np.count_nonzero(mask))

    def darken(self, shape: Shape | None, factor: float) -> None:
        """Multiply the colour under ``shape`` (cast shadows); ids stay, the shadow moves with its caster."""
        if shape is not None:
            self.albedo[shape.box][shape.mask] *= factor
            self._move(shape)

    def _move(self, shape: Shape) -> None:
        """The motion layers under ``shape`` take the current surface's (see on_surface)."""
        if self.depth is not None:
            _put(self.depth[shape.box], shape.mask, self._surface_depth(shape))
            self.speed[shape.box][shape.mask] = self._surface_speed


def _put(layer: np.ndarray, mask: np.ndarray, value) -> None:
    """layer[mask] = value, for a constant (scalar or RGB) or a per-pixel array broadcastable to the box."""
    value = np.asarray(value, np.float32)
    if value.ndim >= 2:
        value = np.broadcast_to(value, mask.shape + layer.shape[2:])[mask]
    layer[mask] = value
