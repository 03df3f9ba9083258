"""Photo-like day, night, dusk and fog renderings of a synthetic scene (numpy only).

Day: shaded albedo x per-class texture, soft clouds, darkened object outlines, vignetting,
a slight blur (no vector-graphics edges) and sensor noise. Night: the same surfaces under dim
blue moonlight plus warm glows from lamps, lit windows and car lights, and a starry sky.
Dusk: warm orange light from a low sun, a violet-to-orange sky and orange haze toward the
horizon. Fog: washed-out grey daylight fading into grey-white fog with distance. Night
instances: a night whose objects change one by one, independently of the background (INIT's
instance styles): per image a moon level and a haze, per car a body tint and its lights on or
off, per person a clothing brightness, per sign its glint on or off. These looks are the
domains of the synthetic ``domains`` and ``boxes`` layouts.
"""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_scene import Scene
from tf_i2i.data.synthetic_street import CAR, PERSON, POLE, ROAD, SKY

# Texture strength per class: sky, building, road, sidewalk, grass, tree, pole, car, person.
TEXTURE = np.array([0.02, 0.10, 0.14, 0.12, 0.30, 0.40, 0.05, 0.04, 0.10], np.float32)
MOONLIGHT = np.array((0.10, 0.12, 0.19), np.float32)
SUNSET = np.array((1.0, 0.60, 0.32), np.float32)  # low sun light on surfaces
DUSK_SKY_TOP, DUSK_SKY_LOW = np.array((0.20, 0.15, 0.36), np.float32), np.array((1.0, 0.56, 0.24), np.float32)
DUSK_HAZE = np.array((0.95, 0.55, 0.30), np.float32)
DUSK_CLOUD = np.array((1.0, 0.45, 0.50), np.float32)  # clouds lit pink from below
FOG = np.array((0.80, 0.81, 0.83), np.float32)
NIGHT_SKY = np.array((0.06, 0.07, 0.16))
NIGHT_HAZE = np.array((0.13, 0.15, 0.22), np.float32)


def smooth_noise(rng: np.random.Generator, height: int, width: int, cell: float) -> np.ndarray:
    """Value noise in [-1, 1] with features about ``cell`` pixels wide (smoothstep-interpolated grid)."""
    grid = rng.uniform(-1.0, 1.0, size=(int(height / cell) + 2, int(width / cell) + 2)).astype(np.float32)
    y = (np.arange(height, dtype=np.float32) + 0.5) / cell
    x = (np.arange(width, dtype=np.float32) + 0.5) / cell
    y0, x0 = y.astype(np.int64), x.astype(np.int64)
    fy, fx = y - y0, x - x0
    fy, fx = (fy * fy * (3 - 2 * fy))[:, None], (fx * fx * (3 - 2 * fx))[None, :]
    top = grid[y0][:, x0] * (1 - fx) + grid[y0][:, x0 + 1] * fx
    bottom = grid[y0 + 1][:, x0] * (1 - fx) + grid[y0 + 1][:, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _grain(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Texture noise of a still, float32 [H, W] in about [-1, 1]: two scales of value noise plus per-pixel grain."""
    noise = 0.5 * smooth_noise(rng, h, w, max(h / 24, 1.5)) + 0.3 * smooth_noise(rng, h, w, max(h / 96, 1.0))
    noise += 0.2 * rng.standard_normal((h, w), dtype=np.float32)
    return noise


def _outlines(scene: Scene) -> np.ndarray:
    """1 on pixels whose right or lower neighbour belongs to another object, else 0."""
    ids = scene.label.astype(np.int64) * 100000 + scene.instance
    edge = np.zeros(ids.shape, np.float32)
    edge[:, :-1] += ids[:, :-1] != ids[:, 1:]
    edge[:-1, :] += ids[:-1, :] != ids[1:, :]
    return np.minimum(edge, 1.0)


def textured_surface(scene: Scene, grain: np.ndarray) -> np.ndarray:
    """Albedo x per-class texture of ``grain`` (float32 [H, W] in about [-1, 1]) with darkened outlines:
    what every look lights, float32 [H, W, 3]."""
    texture = 1.0 + TEXTURE[scene.label] * grain
    return scene.albedo * (texture * (1.0 - 0.25 * _outlines(scene)))[..., None]


def _surface(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    h, w = scene.label.shape
    return textured_surface(scene, _grain(rng, h, w))


def _soften(img: np.ndarray) -> np.ndarray:
    """A light [1, 2, 1]/4 blur mixed in at 50%, like lens softness."""
    pad = np.pad(img, ((1, 1), (1, 1), (0, 0)), mode="edge")
    blur = (pad[:-2] + 2 * pad[1:-1] + pad[2:]) / 4
    blur = (blur[:, :-2] + 2 * blur[:, 1:-1] + blur[:, 2:]) / 4
    return 0.5 * img + 0.5 * blur


def _vignette(h: int, w: int) -> np.ndarray:
    y = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    x = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    return (1.0 - 0.18 * (x * x + y * y))[..., None]


def to_uint8(img: np.ndarray) -> np.ndarray:
    return (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def day_light(scene: Scene, surface: np.ndarray, clouds: np.ndarray) -> np.ndarray:
    """Daylight photo of a textured ``surface`` before sensor noise, float32 [H, W, 3]: ``clouds``
    (float32 [H, W] value noise in [-1, 1]) whiten the sky; lens softness and vignetting."""
    h, w = scene.label.shape
    clouds = np.clip(clouds * 1.4 - 0.2, 0.0, 1.0)[..., None]
    img = np.where((scene.label == SKY)[..., None], surface + (0.97 - surface) * 0.7 * clouds, surface)
    return _soften(img * _vignette(h, w))


def render_day(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Daylight photo, uint8 [H, W, 3]."""
    h, w = scene.label.shape
    surface = _surface(scene, rng)
    img = day_light(scene, surface, smooth_noise(rng, h, w, max(h / 6, 2.0)))
    return to_uint8(img + 0.012 * rng.standard_normal(img.shape, dtype=np.float32))


def _glow(lights: list, h: int, w: int) -> np.ndarray:
    """Sum of Gaussian light pools around each of ``lights`` (a Scene's), float32 [H, W, 3]."""
    out = np.zeros((h, w, 3), np.float32)
    for y, x, radius, rgb, _ in lights:
        r = max(radius, 1.0)
        y0, y1 = max(int(y - 3 * r), 0), min(int(y + 3 * r) + 1, h)
        x0, x1 = max(int(x - 3 * r), 0), min(int(x + 3 * r) + 1, w)
        if y0 >= y1 or x0 >= x1:
            continue
        dy = (np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - y) / r
        dx = (np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5 - x) / r
        out[y0:y1, x0:x1] += np.exp(-0.5 * (dy * dy + dx * dx))[..., None] * np.asarray(rgb, np.float32)
    return out


def _night_photo(scene: Scene, rng: np.random.Generator, img: np.ndarray, light: np.ndarray, moon: float = 1.0,
                 haze: float = 0.0) -> np.ndarray:
    """uint8 night photo of ``img``, the lit surfaces under the glows ``light``: a starry sky (``moon`` x as
    bright), ``haze`` (0 to 1) over everything, lens softness, vignetting, compressed highlights, noise."""
    h, w = scene.label.shape
    sky = (scene.label == SKY)[..., None]
    stars = (rng.random((h, w, 1)) < 0.004) * rng.uniform(0.3, 0.8, size=(h, w, 1))
    img = np.where(sky, scene.albedo**2 * NIGHT_SKY * moon + stars + 0.25 * light, img)
    img = img + (NIGHT_HAZE - img) * haze
    img = _soften(img * _vignette(h, w))
    img = img / (1.0 + 0.6 * img) * 1.6  # compress highlights instead of clipping them flat
    return to_uint8(img + 0.02 * rng.standard_normal(img.shape, dtype=np.float32))


def render_night(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Night photo of the same scene, uint8 [H, W, 3]: dark, blue-shifted, lit by its own lights."""
    h, w = scene.label.shape
    surface = _surface(scene, rng)
    light = _glow(scene.lights, h, w)
    img = surface * (MOONLIGHT + 0.9 * light) + scene.emission + 0.25 * light
    return _night_photo(scene, rng, img, light)


def _tint(rng: np.random.Generator) -> np.ndarray:
    """A random colour light (any hue, some saturation), float32 [3] in [0, 1]."""
    hue = rng.random() + np.array((0.0, 1.0 / 3.0, 2.0 / 3.0))
    return (1.0 - rng.uniform(0.6, 1.0) * (0.5 - 0.5 * np.cos(2 * np.pi * hue))).astype(np.float32)


def _object_styles(scene: Scene, rng: np.random.Generator, moon: float):
    """Each object's own night look, drawn independently of the others and of the background (moonlight x
    ``moon``). Per instance id (np.unique order): the light its surface reflects [N, 3], a sheen added
    [N, 3], whether its own lights (emission, glows) are on [N]. A car gets a body tint and its lights
    on or off, a person a clothing brightness, a sign plate its glint on or off; stuff the moonlight."""
    ids = np.unique(scene.instance)
    gain = np.tile(moon * MOONLIGHT, (len(ids), 1))
    sheen = np.zeros((len(ids), 3), np.float32)
    on = np.ones(len(ids), bool)
    for k, cls in enumerate(ids // 1000):
        if cls == CAR:
            gain[k] = _tint(rng) * rng.uniform(0.3, 1.0)
            sheen[k], on[k] = 0.4 * gain[k], rng.random() < 0.6  # the tint shows on dark paint too
        elif cls == PERSON:
            gain[k] = rng.uniform(0.1, 0.8) * np.array((1.0, 0.95, 0.9))
        elif cls == POLE:
            on[k] = rng.random() < 0.5
    return ids, gain, sheen, on


def render_night_instances(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Night photo whose objects each take a look of their own (INIT's instance styles), uint8 [H, W, 3]:
    the background varies per image (moon level, haze), each object per object (_object_styles), so an
    object's change from day is not the background's colour transform, nor another object's."""
    h, w = scene.label.shape
    surface = _surface(scene, rng)
    moon, haze = rng.uniform(0.4, 1.8), rng.uniform(0.0, 0.35)
    ids, gain, sheen, on = _object_styles(scene, rng, moon)
    off = set(ids[~on].tolist())
    light = _glow([lamp for lamp in scene.lights if lamp[4] not in off], h, w)
    which = np.searchsorted(ids, scene.instance)
    img = surface * (gain[which] + 0.9 * light) + sheen[which] + scene.emission * on[which][..., None] + 0.25 * light
    return _night_photo(scene, rng, img, light, moon, haze)


def _near_horizon(scene: Scene) -> np.ndarray:
    """Per row, closeness to the horizon in [0, 1] (1 on it): far things lie near the horizon.

    The horizon is the first row of road (the street recedes to it), float32 [H, 1, 1].
    """
    h = scene.label.shape[0]
    rows = np.flatnonzero((scene.label == ROAD).any(axis=1))
    horizon = rows[0] if rows.size else 0.45 * h
    ys = np.arange(h, dtype=np.float32)
    return np.clip(1.0 - np.abs(ys - horizon) / (0.3 * h), 0.0, 1.0)[:, None, None]


def render_dusk(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Dusk photo of the scene, uint8 [H, W, 3]: orange low sun, violet-to-orange sky, orange haze far away."""
    h, w = scene.label.shape
    img = _surface(scene, rng) * (0.75 * SUNSET + 0.6 * MOONLIGHT)
    near_horizon = _near_horizon(scene)
    clouds = np.clip(smooth_noise(rng, h, w, max(h / 6, 2.0)) * 1.4 - 0.3, 0.0, 1.0)[..., None]
    sky = DUSK_SKY_TOP + (DUSK_SKY_LOW - DUSK_SKY_TOP) * near_horizon**1.5
    sky = sky + (DUSK_CLOUD - sky) * 0.5 * clouds
    img = np.where((scene.label == SKY)[..., None], sky, img)
    sun_x = rng.uniform(0.15, 0.85) * w  # a glare around the sun just above the horizon
    glare = np.exp(-(((np.arange(w) - sun_x) / (0.15 * w)) ** 2))[None, :, None] * near_horizon**3
    img = img + 0.5 * glare * SUNSET
    img = img + (DUSK_HAZE - img) * 0.45 * near_horizon**2
    img = _soften(img * _vignette(h, w))
    return to_uint8(img + 0.015 * rng.standard_normal(img.shape, dtype=np.float32))


def render_fog(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Foggy photo of the scene, uint8 [H, W, 3]: pale, grey, low contrast, things vanish with distance."""
    h, w = scene.label.shape
    surface = _surface(scene, rng)
    surface = 0.6 * surface.mean(axis=-1, keepdims=True) + 0.4 * surface  # overcast light washes colours out
    density = 0.45 + 0.5 * _near_horizon(scene)
    density = np.where((scene.label == SKY)[..., None], 0.95, density)
    drift = 0.04 * smooth_noise(rng, h, w, max(h / 5, 2.0))[..., None]  # patchy fog
    img = surface * (1.0 - density) + (FOG + drift) * density
    img = _soften(img)
    return to_uint8(img + 0.01 * rng.standard_normal(img.shape, dtype=np.float32))
