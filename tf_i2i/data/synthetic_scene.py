"""One synthetic street scene: every layer a renderer or a loader needs, from one seeded RNG.

Instance ids follow Cityscapes: stuff pixels hold their class id, things (cars, people, and the
plates of traffic signs, label POLE, when signs are drawn) hold class * 1000 + k with k = 0, 1, ...
per class and image.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tf_i2i.data.synthetic_background import draw_background
from tf_i2i.data.synthetic_canvas import Canvas
from tf_i2i.data.synthetic_objects import place_objects
from tf_i2i.data.synthetic_street import CLASS_NAMES, NUM_CLASSES, PALETTE, THING_CLASSES, make_street

__all__ = ["CLASS_NAMES", "NUM_CLASSES", "PALETTE", "THING_CLASSES", "Scene", "make_scene"]


@dataclasses.dataclass
class Scene:
    label: np.ndarray  # uint8 [H, W] class ids
    instance: np.ndarray  # int32 [H, W] Cityscapes-style instance ids
    albedo: np.ndarray  # float32 [H, W, 3] shaded surface colour in [0, 1] (gradients, cast shadows)
    emission: np.ndarray  # float32 [H, W, 3] light emitted at night (windows, lamps, car lights)
    lights: list  # (y, x, radius px, rgb intensity, owner instance id or 0) glows added at night


def make_scene(rng: np.random.Generator, height: int, width: int, signs: np.random.Generator | None = None) -> Scene:
    """Compose one street scene; the same RNG state always gives the same scene. ``signs`` (an RNG of
    its own) adds traffic signs to the same scene: ``rng`` is drawn from exactly as without them."""
    c = Canvas(height, width)
    st = make_street(rng, height, width)
    parks = draw_background(c, st, rng)
    lights = place_objects(c, st, rng, parks, signs)
    return Scene(c.label, c.instance, c.albedo, c.emission, lights)
