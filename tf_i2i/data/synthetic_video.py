"""The built-in synthetic video: street scenes seen from a moving camera, with ground-truth flow.

Sequence ``index`` of a split is fully determined by (seed, split, index). The street, its
facades and sky are the stills' (synthetic_background), drawn again in every frame from the same
RNG state with the camera moved (synthetic_motion); cars, people, trees and lamps are the stills'
objects (synthetic_objects), each drawn from its own RNG stream so it looks the same in every
frame, at its position of that frame. Texture is fixed to the world (synthetic_texture) and
there is no per-frame noise, so consecutive frames differ by motion only (vignetting and lens
softness stay with the camera). The flow follows from each pixel's street depth and speed.
"""

from __future__ import annotations

import copy
import zlib

import numpy as np

from tf_i2i.data.synthetic_background import draw_background
from tf_i2i.data.synthetic_canvas import Canvas
from tf_i2i.data.synthetic_motion import Mover, backward_flow, sample_camera, sample_movers
from tf_i2i.data.synthetic_objects import draw_thing
from tf_i2i.data.synthetic_render import day_light, textured_surface, to_uint8
from tf_i2i.data.synthetic_scene import Scene
from tf_i2i.data.synthetic_street import Street, make_street
from tf_i2i.data.synthetic_texture import noise_lattice, sky_clouds, world_grain

MOTION_STREAM, LOOK_STREAM = 101, 102  # RNG streams of the camera and world, and of each object's look


def _draw_movers(c: Canvas, st: Street, movers: list[Mover], frame: int, key: list[int]) -> None:
    """Draw the objects visible in ``frame``, far to near, each on its own moving plane."""
    visible = [(t, m) for m in movers if (t := m.depth(st, frame)) is not None]
    for t, m in sorted(visible, key=lambda item: item[0]):
        c.on_surface(lambda shape, t=t: t, m.speed)
        look = np.random.default_rng(key + [LOOK_STREAM, m.look])
        draw_thing(c, st, look, m.kind, t, m.side, m.lateral, m.inst, [])


def render_sequence(seed: int, split: str, index: int, n_frames: int, height: int, width: int) -> dict[str, np.ndarray]:
    """Render sequence ``index`` of ``split``: "label" uint8 [T, H, W] class ids, "instance" int32
    [T, H, W] (class * 1000 + k for cars and people, the same k in every frame; the class id
    elsewhere), "image" uint8 [T, H, W, 3] day look, "flow" float32 [T-1, H, W, 2]: flow[t] is the
    flow from frame t+1 to frame t, frame_{t+1}(p) = frame_t(p + flow[t](p)) where the surface is
    visible in both."""
    key = [int(seed), zlib.crc32(split.encode()), int(index)]
    rng = np.random.default_rng(key)
    street = make_street(rng, height, width)  # rng is now where every frame's background starts
    motion = np.random.default_rng(key + [MOTION_STREAM])
    camera = sample_camera(motion, width)
    lattice = noise_lattice(motion)
    movers = None
    label, instance, image, flow = [], [], [], []
    previous = None
    for frame in range(n_frames):
        st = camera.street(street, frame)
        c = Canvas(height, width, motion=True)
        parks = draw_background(c, st, copy.deepcopy(rng))
        if movers is None:  # parks (no facade, more trees) are known once the background is drawn
            movers = sample_movers(motion, street, parks, camera, n_frames)
        _draw_movers(c, st, movers, frame, key)
        scene = Scene(c.label, c.instance, c.albedo, c.emission, [])
        surface = textured_surface(scene, world_grain(st, c.depth, c.speed, frame, lattice))
        image.append(to_uint8(day_light(scene, surface, sky_clouds(st, lattice))))
        label.append(c.label)
        instance.append(c.instance)
        if previous is not None:
            flow.append(backward_flow(previous, st, c.depth, c.speed))
        previous = st
    return {
        "label": np.stack(label),
        "instance": np.stack(instance),
        "image": np.stack(image),
        "flow": np.stack(flow) if flow else np.zeros((0, height, width, 2), np.float32),
    }
