"""Stuff of the synthetic street scenes: sky, ground, a distant skyline and facades in perspective."""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_canvas import Canvas, Shape
from tf_i2i.data.synthetic_street import BUILDING, FACADES, GRASS, ROAD, SIDEWALK, SKY, Street, hash01

WINDOW_GLASS = np.array((0.20, 0.25, 0.32), np.float32)
WARM_LIGHT = np.array((1.0, 0.78, 0.42), np.float32)


def sky_and_ground(c: Canvas, st: Street, rng: np.random.Generator) -> None:
    """Sky gradient, grass everywhere below the horizon, then sidewalks, road and a dashed centre line."""
    sky = c.rect(0, st.horizon + 1, 0, c.width)
    top, low = np.array((0.40, 0.60, 0.90)), np.array((0.80, 0.87, 0.95))
    c.paint(sky, top + (low - top) * (np.clip(sky.ys / st.horizon, 0, 1) ** 1.5)[..., None], SKY)
    c.paint(c.rect(st.horizon, c.height, 0, c.width), np.array((0.30, 0.48, 0.20)) * rng.uniform(0.85, 1.15), GRASS)
    bottom = st.centre(1.0)
    for lateral, colour, cls in (
        (1.0 + st.walk / st.road, (0.60, 0.58, 0.55), SIDEWALK),
        (1.0, (0.33, 0.33, 0.35), ROAD),
    ):
        span = (bottom - lateral * st.road, bottom + lateral * st.road)
        c.paint(c.trapezoid(st.horizon, st.height, (st.vanish_x, st.vanish_x), span), colour, cls)
    line = c.trapezoid(
        st.horizon, st.height, (st.vanish_x, st.vanish_x), (bottom - 0.03 * st.road, bottom + 0.03 * st.road)
    )
    if line is not None:  # 4 m dashes every 9 m
        dashes = (st.along(st.depth_at_y(line.ys)) % 9.0) < 4.0
        c.paint(line._replace(mask=line.mask & dashes), (0.85, 0.85, 0.80), ROAD)


def far_buildings(c: Canvas, st: Street, rng: np.random.Generator) -> None:
    """A hazy skyline at the end of the street, behind everything else (one shape: a height per column)."""
    widths = c.width * rng.uniform(0.04, 0.12, size=40)
    edges = st.vanish_x - 0.6 * c.width + np.cumsum(widths)
    heights = st.horizon * rng.uniform(0.1, 0.45, size=40) * (rng.random(40) < 0.85)
    colours = 0.5 * FACADES[rng.integers(len(FACADES), size=40)] + 0.5 * np.array((0.72, 0.78, 0.86))
    shades = rng.uniform(0.85, 1.0, size=40)
    skyline = c.rect(0, st.horizon + 1, st.vanish_x - 0.6 * c.width, edges[-1])
    if skyline is None:
        return
    seg = np.minimum(np.searchsorted(edges, skyline.xs), 39)
    shape = skyline._replace(mask=skyline.mask & (skyline.ys >= st.horizon - heights[seg]))
    c.paint(shape, colours[seg], BUILDING, shade=shades[seg])


def facades(c: Canvas, st: Street, rng: np.random.Generator, side: int) -> None:
    """A row of buildings on the outer edge of one sidewalk: floors, windows (some lit at night), cornices."""
    xs = np.arange(c.width, dtype=np.float64) + 0.5
    t_all = st.facade_depth(xs, side)
    cols = np.nonzero(t_all > 0.03)[0]  # contiguous: t is linear in x
    if cols.size == 0:
        return
    t = t_all[cols][None, :]
    ys = np.arange(c.height, dtype=np.float64)[:, None] + 0.5
    depth = st.along(t)
    start = st.distance(2.0)
    bounds = start + np.cumsum(rng.uniform(8.0, 25.0, size=64))  # building boundaries along the street (m)
    seg = np.searchsorted(bounds, depth)
    heights = rng.uniform(9.0, 24.0, size=65)[seg]
    colours = (FACADES[rng.integers(len(FACADES), size=65)] * rng.uniform(0.85, 1.1, size=(65, 1)))[seg]
    into = depth - np.concatenate([[start], bounds])[seg]  # metres from the building's near corner
    z = (st.y(t) - ys) / st.metre(t)  # metres above the street
    window = (z > 3.5) & (z < heights - 1.0) & (z % 3.0 > 1.0) & (into % 3.2 > 1.2) & (t > 0.08)
    lit = window & (hash01(np.floor(z / 3.0), np.floor(into / 3.2), seg + 100 * side) < 0.35)
    brightness = 0.6 + 0.4 * hash01(np.floor(into / 3.2), np.floor(z / 3.0) + 7)
    shade = (1.0 if side == -st.sun else 0.72) * np.where(z > heights - 0.6, 0.75, 1.0) * np.where(into < 0.4, 0.7, 1.0)
    box = (slice(0, c.height), slice(int(cols[0]), int(cols[-1]) + 1))
    shape = Shape(box, (z >= 0) & (z < heights), ys, xs[None, cols])
    colour = np.where(window[..., None], WINDOW_GLASS, colours)
    c.paint(
        shape, colour, BUILDING, shade=shade, emission=np.where(lit[..., None], brightness[..., None] * WARM_LIGHT, 0)
    )


def draw_background(c: Canvas, st: Street, rng: np.random.Generator) -> np.ndarray:
    """All stuff behind the objects; returns which sides are parks (bool [2]: left, right), which have no facade.

    Sky and the skyline are infinitely far, ground and facades lie on the street's planes (the
    canvas's motion layers, when it has them, follow them).
    """
    c.on_surface(lambda shape: st.ground_depth(shape.ys))
    sky_and_ground(c, st, rng)
    far_buildings(c, st, rng)
    parks = rng.random(2) < 0.3  # a side without buildings is a park: grass and more trees
    for side, park in zip((-1, 1), parks):
        if not park:
            c.on_surface(lambda shape, side=side: st.facade_depth(shape.xs, side))
            facades(c, st, rng, side)
    return parks
