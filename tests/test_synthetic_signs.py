"""Traffic signs of the synthetic scenes (data.synthetic.signs): plates on poles with INIT box class 2,
drawn from an RNG stream of their own so that the scenes without them stay as they were."""

from __future__ import annotations

import numpy as np

from tests.helpers_data import data_cfg
from tf_i2i.data import build_dataset, synthetic_objects
from tf_i2i.data.boxes import padded
from tf_i2i.data.boxes.instance_boxes import SYNTHETIC_CLASSES, boxes_from_instance_map
from tf_i2i.data.synthetic import render_sample
from tf_i2i.data.synthetic_scene import NUM_CLASSES, make_scene
from tf_i2i.data.synthetic_street import POLE, ROAD

SIGNED = [render_sample(0, "train", i, 64, 64, ("label", "instance", "night"), signs=True) for i in range(8)]


def _sign_boxes(instance: np.ndarray) -> np.ndarray:
    boxes = boxes_from_instance_map(instance, SYNTHETIC_CLASSES)
    return boxes.xyxy[boxes.classes == 2]


def test_sign_plates_are_pole_things_with_box_class_2_sized_by_perspective():
    boxes = np.concatenate([_sign_boxes(s["instance"]) for s in SIGNED])
    assert len(boxes) >= 8
    for s in SIGNED:
        plates = s["instance"] // 1000 == POLE
        assert (s["label"][plates] == POLE).all() and s["label"].max() < NUM_CLASSES
    bottom, height = boxes[:, 3], boxes[:, 3] - boxes[:, 1]
    assert np.corrcoef(bottom, height)[0, 1] > 0.5  # nearer (lower) signs are larger
    assert not any(len(_sign_boxes(render_sample(0, "train", i, 64, 64, ("instance",))["instance"])) for i in range(8))


def test_sign_plates_glint_at_night():
    plates = np.concatenate([s["night"][s["instance"] // 1000 == POLE] for s in SIGNED])
    road = np.concatenate([s["night"][s["label"] == ROAD] for s in SIGNED])
    assert plates.mean() > 1.5 * road.mean()


def test_signs_off_draw_no_sign(monkeypatch):
    def no_sign(*args):
        raise AssertionError("a sign was drawn with data.synthetic.signs off")

    monkeypatch.setattr(synthetic_objects, "_sign", no_sign)
    for i in range(4):
        render_sample(0, "train", i, 48, 48)


def test_signs_draw_nothing_from_the_scene_rng_and_change_only_their_pixels():
    drawn = 0
    for i in range(6):
        plain_rng, signed_rng = np.random.default_rng([5, i]), np.random.default_rng([5, i])
        plain = make_scene(plain_rng, 48, 48)
        signed = make_scene(signed_rng, 48, 48, np.random.default_rng([5, i, 9]))
        assert plain_rng.bit_generator.state == signed_rng.bit_generator.state
        changed = ((plain.label != signed.label) | (plain.instance != signed.instance)
                   | (plain.albedo != signed.albedo).any(-1) | (plain.emission != signed.emission).any(-1))
        assert (signed.label[changed] == POLE).all()
        assert len(plain.lights) == len(signed.lights)
        for a, b in zip(plain.lights, signed.lights):
            np.testing.assert_array_equal(np.hstack(a), np.hstack(b))
        drawn += changed.sum()
    assert drawn > 0


def test_boxes_layout_has_cars_people_and_signs():
    cfg = data_cfg(layout="boxes", num_domains=2, preprocess="none", flip=False,
                   **{"synthetic.image_size": 64, "synthetic.signs": True, "boxes.min_size": 0.0,
                      "boxes.min_visible": 0.0})
    batch = next(build_dataset(cfg, batch_size=6, shuffle=False).as_numpy_iterator())
    assert set(batch["box_classes"][batch["box_valid"]].tolist()) == {1, 2, 3}
    for k in range(6):  # domains take turns: element k is scene k // 2 of domain k % 2
        index = k // 2 + (k % 2) * cfg.synthetic.num_images
        instance = render_sample(0, "train", index, 64, 64, ("instance",), signs=True)["instance"]
        expected = padded(boxes_from_instance_map(instance, SYNTHETIC_CLASSES), cfg.boxes.max_boxes)
        for key, value in expected.items():
            np.testing.assert_allclose(batch[key][k], value)
