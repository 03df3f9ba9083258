"""Photo-like day and night renderings of a synthetic scene (numpy only).

Day: shaded albedo x per-class texture, soft clouds, darkened object outlines, vignetting,
a slight blur (no vector-graphics edges) and sensor noise. Night: the same surfaces under dim
blue moonlight plus warm glows from lamps, lit windows and car lights, and a starry sky.
"""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_scene import Scene
from tf_i2i.data.synthetic_street import SKY

# Texture strength per class: sky, building, road, sidewalk, grass, tree, pole, car, person.
TEXTURE = np.array([0.02, 0.10, 0.14, 0.12, 0.30, 0.40, 0.05, 0.04, 0.10], np.float32)
MOONLIGHT = np.array((0.10, 0.12, 0.19), np.float32)


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


def _texture(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    h, w = scene.label.shape
    noise = 0.5 * smooth_noise(rng, h, w, max(h / 24, 1.5)) + 0.3 * smooth_noise(rng, h, w, max(h / 96, 1.0))
    noise += 0.2 * rng.standard_normal((h, w), dtype=np.float32)
    return 1.0 + TEXTURE[scene.label] * noise


def _outlines(scene: Scene) -> np.ndarray:
    """1 on pixels whose right or lower neighbour belongs to another object, else 0."""
    ids = scene.label.astype(np.int64) * 100000 + scene.instance
    edge = np.zeros(ids.shape, np.float32)
    edge[:, :-1] += ids[:, :-1] != ids[:, 1:]
    edge[:-1, :] += ids[:-1, :] != ids[1:, :]
    return np.minimum(edge, 1.0)


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


def _to_uint8(img: np.ndarray) -> np.ndarray:
    return (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def render_day(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Daylight photo, uint8 [H, W, 3]."""
    h, w = scene.label.shape
    img = scene.albedo * (_texture(scene, rng) * (1.0 - 0.25 * _outlines(scene)))[..., None]
    clouds = np.clip(smooth_noise(rng, h, w, max(h / 6, 2.0)) * 1.4 - 0.2, 0.0, 1.0)[..., None]
    img = np.where((scene.label == SKY)[..., None], img + (0.97 - img) * 0.7 * clouds, img)
    img = _soften(img * _vignette(h, w))
    return _to_uint8(img + 0.012 * rng.standard_normal(img.shape, dtype=np.float32))


def _glow(scene: Scene) -> np.ndarray:
    """Sum of Gaussian light pools around each light source, float32 [H, W, 3]."""
    h, w = scene.label.shape
    out = np.zeros((h, w, 3), np.float32)
    for y, x, radius, rgb in scene.lights:
        r = max(radius, 1.0)
        y0, y1 = max(int(y - 3 * r), 0), min(int(y + 3 * r) + 1, h)
        x0, x1 = max(int(x - 3 * r), 0), min(int(x + 3 * r) + 1, w)
        if y0 >= y1 or x0 >= x1:
            continue
        dy = (np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - y) / r
        dx = (np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5 - x) / r
        out[y0:y1, x0:x1] += np.exp(-0.5 * (dy * dy + dx * dx))[..., None] * np.asarray(rgb, np.float32)
    return out


def render_night(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Night photo of the same scene, uint8 [H, W, 3]: dark, blue-shifted, lit by its own lights."""
    h, w = scene.label.shape
    surface = scene.albedo * (_texture(scene, rng) * (1.0 - 0.25 * _outlines(scene)))[..., None]
    light = _glow(scene)
    img = surface * (MOONLIGHT + 0.9 * light) + scene.emission + 0.25 * light
    sky = (scene.label == SKY)[..., None]
    stars = (rng.random((h, w, 1)) < 0.004) * rng.uniform(0.3, 0.8, size=(h, w, 1))
    img = np.where(sky, scene.albedo**2 * np.array((0.06, 0.07, 0.16)) + stars + 0.25 * light, img)
    img = _soften(img * _vignette(h, w))
    img = img / (1.0 + 0.6 * img) * 1.6  # compress highlights instead of clipping them flat
    return _to_uint8(img + 0.02 * rng.standard_normal(img.shape, dtype=np.float32))
