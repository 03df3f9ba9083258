"""The night_instances look: each object changes in its own way, independently of the background
(INIT's instance styles); the plain night look is the control that changes everything alike.

The scenes' own lights (lit windows, lamps, car lights and their glows) are taken out: they light
objects unevenly in both night looks; what stays is each look's colour change from day.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from tf_i2i.data.synthetic import RENDERERS
from tf_i2i.data.synthetic_scene import make_scene
from tf_i2i.data.synthetic_street import CAR, ROAD, SKY


def _day_and(look: str, i: int):
    """Scene i without its lights, its day photo and its ``look`` photo in [0, 1]."""
    scene = make_scene(np.random.default_rng([7, i]), 64, 64)
    scene = dataclasses.replace(scene, lights=[], emission=np.zeros_like(scene.emission))
    day = RENDERERS["day"](scene, np.random.default_rng([7, i, 1])) / 255.0
    return scene, day, RENDERERS[look](scene, np.random.default_rng([7, i, 2])) / 255.0


@pytest.mark.parametrize(("look", "varies"), [("night_instances", True), ("night", False)])
def test_cars_alike_by_day_differ_in_night_instances(look, varies):
    alike = []  # (day, look) mean colour distance of car pairs of about the same colour by day
    for i in range(12):
        scene, day, photo = _day_and(look, i)
        ids, counts = np.unique(scene.instance, return_counts=True)
        cars = ids[(ids // 1000 == CAR) & (counts >= 12)]
        for a, b in itertools.combinations(cars, 2):
            distance = [np.abs(img[scene.instance == a].mean(0) - img[scene.instance == b].mean(0)).mean()
                        for img in (day, photo)]
            if distance[0] < 0.05:
                alike.append(distance)
    assert len(alike) >= 2
    by_day, at_night = np.mean(alike, axis=0)
    assert (at_night > 3 * by_day) == varies, (by_day, at_night)


@pytest.mark.parametrize(("look", "own"), [("night_instances", True), ("night", False)])
def test_objects_change_by_another_colour_transform_than_the_background(look, own):
    ratios = []  # misfit of the objects under the background's affine colour map, over the background's own
    for i in range(6):
        scene, day, photo = _day_and(look, i)
        objects = scene.instance >= 1000
        background = ~objects & (scene.label != SKY)

        def affine(mask):
            return np.concatenate([day[mask], np.ones((mask.sum(), 1))], axis=1)

        transform = np.linalg.lstsq(affine(background), photo[background], rcond=None)[0]
        misfit = [np.sqrt(np.mean((affine(m) @ transform - photo[m]) ** 2)) for m in (objects, background)]
        ratios.append(misfit[0] / misfit[1])
    assert (min(ratios) > 3) if own else (max(ratios) < 1.5), ratios


def test_the_background_changes_per_image():
    def road_change(look):
        change = []
        for i in range(8):
            scene, day, photo = _day_and(look, i)
            road = scene.label == ROAD
            change.append(photo[road].mean() / day[road].mean())
        return np.std(change) / np.mean(change)

    assert road_change("night_instances") > 2 * road_change("night")
