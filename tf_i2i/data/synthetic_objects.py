"""Objects of the synthetic street scenes: cars and people (things), trees and street lamps, and
(an option) traffic signs.

Sizes are in metres and scaled by the street's perspective; objects are drawn far to near so
nearer ones occlude farther ones, as in a photo.

A traffic sign is street furniture: its post and its plate have the label POLE, so the label
classes (and NUM_CLASSES) stay the same; the plate is a thing with instance id POLE * 1000 + k
(the post keeps the stuff id POLE), which the INIT boxes map to box class 2 (sign).
"""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_canvas import Canvas
from tf_i2i.data.synthetic_street import CAR, PERSON, POLE, TREE, Street

CAR_PAINT = (
    (0.70, 0.10, 0.10),
    (0.10, 0.20, 0.55),
    (0.90, 0.90, 0.90),
    (0.08, 0.08, 0.09),
    (0.60, 0.62, 0.65),
    (0.85, 0.70, 0.10),
)
CLOTHES = (
    (0.15, 0.20, 0.45),
    (0.55, 0.10, 0.12),
    (0.85, 0.82, 0.75),
    (0.10, 0.10, 0.10),
    (0.20, 0.45, 0.30),
    (0.75, 0.55, 0.20),
)
SKIN = ((0.95, 0.80, 0.65), (0.78, 0.57, 0.42), (0.45, 0.30, 0.20))
HEADLIGHT, TAILLIGHT, LAMP = (1.0, 0.95, 0.8), (1.0, 0.12, 0.05), (1.0, 0.85, 0.55)
SIGN_RED, SIGN_WHITE, SIGN_BLUE = (0.75, 0.08, 0.08), (0.92, 0.92, 0.90), (0.10, 0.30, 0.70)
# Sign plates: (shape, rim colour, face colour): prohibition, warning, information.
SIGN_PLATES = (("round", SIGN_RED, SIGN_WHITE), ("triangle", SIGN_RED, SIGN_WHITE), ("square", SIGN_WHITE, SIGN_BLUE))
SIGN_GLINT = 0.35  # retroreflective plates shine back this fraction of their colour at night


def _span(x: float, half: float) -> tuple[float, float]:
    """Horizontal span at least one pixel wide, so thin far objects do not vanish."""
    half = max(half, 0.5)
    return x - half, x + half


def _car(c: Canvas, st: Street, rng: np.random.Generator, t: float, lane: int, inst: int, lights: list) -> int:
    m, base, x = st.metre(t), st.y(t), st.edge(t, lane, 0.5)
    paint = np.array(CAR_PAINT[rng.integers(len(CAR_PAINT))]) * rng.uniform(0.85, 1.1)
    c.darken(c.ellipse(base, x - st.sun * 0.4 * m, 0.3 * m, 1.3 * m), 0.45)
    covered = c.paint(c.twin(base - 0.6 * m, base, x, 0.7 * m, 0.15 * m), (0.05, 0.05, 0.05), CAR, inst)  # wheels
    body = c.rect(base - 1.05 * m, base - 0.3 * m, x - 0.9 * m, x + 0.9 * m)
    if body is not None:  # lighter toward the roof
        covered += c.paint(body, paint, CAR, inst, shade=0.75 + 0.3 * (base - 0.3 * m - body.ys) / (0.75 * m))
    cabin = c.trapezoid(base - 1.5 * m, base - 1.05 * m, (x - 0.6 * m, x + 0.6 * m), (x - 0.85 * m, x + 0.85 * m))
    covered += c.paint(cabin, paint, CAR, inst, shade=1.05)
    c.paint(
        c.trapezoid(base - 1.44 * m, base - 1.1 * m, (x - 0.52 * m, x + 0.52 * m), (x - 0.75 * m, x + 0.75 * m)),
        (0.15, 0.18, 0.24),
        shade=1.1,
    )
    c.paint(c.rect(base - 0.65 * m, base - 0.5 * m, *_span(x, 0.25 * m)), (0.9, 0.9, 0.88))  # number plate
    light = HEADLIGHT if lane < 0 else TAILLIGHT  # left lane comes toward the camera
    c.paint(c.twin(base - 0.88 * m, base - 0.72 * m, x, 0.72 * m, 0.13 * m), np.array(light) * 0.8, emission=light)
    for side in (-1, 1):
        glow = np.array(light) * (0.5 if lane < 0 else 0.35)
        lights.append((base - 0.8 * m, x + side * 0.72 * m, (1.2 if lane < 0 else 0.5) * m, glow, inst))
    return covered


def _person(c: Canvas, st: Street, rng: np.random.Generator, t: float, x: float, inst: int) -> int:
    s = st.metre(t) * rng.uniform(0.9, 1.08)
    base = st.y(t)
    shirt, trousers = (np.array(CLOTHES[i]) for i in rng.integers(len(CLOTHES), size=2))
    c.darken(c.ellipse(base, x - st.sun * 0.3 * s, 0.12 * s, 0.45 * s), 0.55)
    covered = c.paint(c.twin(base - 0.85 * s, base, x, 0.09 * s, 0.07 * s), trousers, PERSON, inst)  # legs
    covered += c.paint(c.twin(base - 1.42 * s, base - 0.9 * s, x, 0.25 * s, 0.045 * s), shirt, PERSON, inst, shade=0.85)
    covered += c.paint(c.rect(base - 1.45 * s, base - 0.8 * s, *_span(x, 0.2 * s)), shirt, PERSON, inst)
    covered += c.paint(c.ellipse(base - 1.6 * s, x, 0.13 * s, 0.11 * s), SKIN[rng.integers(len(SKIN))], PERSON, inst)
    c.paint(c.ellipse(base - 1.67 * s, x, 0.07 * s, 0.11 * s), (0.12, 0.08, 0.05))  # hair
    return covered


def _tree(c: Canvas, st: Street, rng: np.random.Generator, t: float, x: float) -> None:
    m, base = st.metre(t) * rng.uniform(0.8, 1.3), st.y(t)
    c.darken(c.ellipse(base, x - st.sun * 1.5 * m, 0.35 * m, 2.0 * m), 0.6)
    c.paint(c.rect(base - 3.0 * m, base, *_span(x, 0.15 * m)), (0.35, 0.25, 0.16), TREE, shade=0.9)
    green = np.array((0.18, 0.38, 0.14)) * rng.uniform(0.8, 1.2, size=3)
    for dy, dx, r in ((4.2, 0.0, 1.9), (3.5, -1.1, 1.4), (3.4, 1.2, 1.3)):
        blob = c.ellipse(base - dy * m, x + dx * m, r * m, r * m * 1.05)
        if blob is not None:  # lit from the sun's side, darker underneath
            light = (
                0.85
                + 0.25 * np.clip(st.sun * (blob.xs - x) / (2 * m), -1, 1)
                - 0.15 * (blob.ys - base + dy * m) / (r * m)
            )
            c.paint(blob, green, TREE, shade=light)


def _lamp(c: Canvas, st: Street, t: float, side: int, lights: list) -> None:
    m, base, x = st.metre(t), st.y(t), st.edge(t, side, 1.06)
    c.paint(c.rect(base - 7.0 * m, base, *_span(x, 0.09 * m)), (0.35, 0.36, 0.38), POLE)
    arm_end = x - side * 1.6 * m
    c.paint(c.rect(base - 7.0 * m, base - 6.85 * m, min(x, arm_end), max(x, arm_end)), (0.35, 0.36, 0.38), POLE)
    c.paint(c.ellipse(base - 6.8 * m, arm_end, 0.15 * m, 0.4 * m), (0.85, 0.85, 0.8), POLE, emission=LAMP)
    lights.append((base - 6.8 * m, arm_end, 2.5 * m, np.array(LAMP) * 0.45, 0))


def _plate(c: Canvas, shape: str, cy: float, x: float, r: float):
    """The outline of a sign plate of half-size ``r`` centred at (cy, x)."""
    if shape == "round":
        return c.ellipse(cy, x, r, r)
    if shape == "triangle":  # point up
        return c.trapezoid(cy - r, cy + 0.8 * r, (x, x), (x - r, x + r))
    return c.rect(cy - r, cy + r, x - r, x + r)


def _sign(c: Canvas, st: Street, rng: np.random.Generator, t: float, x: float, inst: int) -> int:
    """A round, triangular or square plate (instance ``inst``) about 2.5 m up a post standing at x."""
    m, base = st.metre(t), st.y(t)
    r, cy = 0.5 * m * rng.uniform(0.75, 0.95), base - m * rng.uniform(2.3, 2.8)
    shape, rim, face = SIGN_PLATES[rng.integers(len(SIGN_PLATES))]
    c.paint(c.rect(cy, base, *_span(x, 0.04 * m)), (0.55, 0.56, 0.58), POLE)  # post
    covered = c.paint(_plate(c, shape, cy, x, r), rim, POLE, inst, emission=np.array(rim) * SIGN_GLINT)
    c.paint(_plate(c, shape, cy + 0.08 * r * (shape == "triangle"), x, 0.72 * r), face,
            emission=np.array(face) * SIGN_GLINT)
    return covered


def _sign_items(rng: np.random.Generator, st: Street) -> list[tuple[float, str, int, float]]:
    """One to three signs at the roadside, at the kerb or on the sidewalk: (depth t, "sign", side, lateral)."""
    outer = 1.0 + st.walk / st.road
    return [(rng.uniform(0.15, 1.0), "sign", int(rng.choice((-1, 1))), rng.uniform(1.04, 1.0 + 0.5 * (outer - 1.0)))
            for _ in range(rng.integers(1, 4))]


THING_CLASS = {"car": CAR, "person": PERSON, "sign": POLE}  # kinds with instance ids; trees and lamps are stuff


def draw_thing(
    c: Canvas, st: Street, rng: np.random.Generator, kind: str, t: float, side: int, lateral: float, inst: int,
    lights: list,
) -> int:
    """Draw one object of ``kind`` at depth t on ``side`` (``lateral`` road half-widths out: people and trees).

    Its look (colours, size) comes from ``rng``: the same RNG state draws the same object. Returns
    the pixels covered with instance ``inst`` (cars, people, sign plates), appends its night lights
    (y, x, radius, rgb, owner ``inst``) to ``lights``.
    """
    if kind == "car":
        return _car(c, st, rng, t, side, inst, lights)
    if kind == "person":
        return _person(c, st, rng, t, st.edge(t, side, lateral), inst)
    if kind == "sign":
        return _sign(c, st, rng, t, st.edge(t, side, lateral), inst)
    if kind == "tree":
        _tree(c, st, rng, t, st.edge(t, side, lateral))
    else:
        _lamp(c, st, t, side, lights)
    return 0


def place_objects(c: Canvas, st: Street, rng: np.random.Generator, parks: np.ndarray,
                  signs: np.random.Generator | None = None) -> list:
    """Scatter cars, people, trees and lamps, draw them far to near, return the night lights.

    With ``signs``, traffic signs too, placed and drawn from that RNG alone: ``rng`` is drawn from
    exactly as without them, so the scene differs only where a sign shows.
    """
    outer = 1.0 + st.walk / st.road
    items = [(rng.uniform(0.08, 1.25), "car", int(rng.choice((-1, 1))), 0.0) for _ in range(rng.integers(1, 6))]
    for _ in range(rng.integers(0, 6)):
        side = int(rng.choice((-1, 1)))
        items.append((rng.uniform(0.12, 1.0), "person", side, rng.uniform(1.1, outer - 0.05)))
    for side, park in zip((-1, 1), parks):
        lateral = (lambda: rng.uniform(outer + 0.2, outer + 3.0)) if park else (lambda: 1.0 + 0.3 * (outer - 1.0))
        items += [
            (rng.uniform(0.06, 1.1), "tree", side, lateral())
            for _ in range(rng.integers(3, 8) if park else rng.integers(0, 3))
        ]
        items += [(rng.uniform(0.1, 0.9), "lamp", side, 0.0) for _ in range(rng.integers(0, 3))]
    if signs is not None:
        items += _sign_items(signs, st)
    lights: list = []
    counts = dict.fromkeys(THING_CLASS.values(), 0)  # instance k counts the things seen so far, per class
    for t, kind, side, lateral in sorted(items, key=lambda item: item[0]):
        cls = THING_CLASS.get(kind)
        inst = 0 if cls is None else cls * 1000 + counts[cls]
        covered = draw_thing(c, st, signs if kind == "sign" else rng, kind, t, side, lateral, inst, lights)
        if cls is not None:
            counts[cls] += covered > 0
    return lights
