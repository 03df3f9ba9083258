"""The built-in synthetic street scenes: content statistics and the folder writer."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tests.helpers_data import data_cfg, elements, exact
from tf_i2i.data import write_synthetic_dataset
from tf_i2i.data.synthetic import render_sample
from tf_i2i.data.synthetic_scene import CLASS_NAMES, NUM_CLASSES, THING_CLASSES

SCENES = [render_sample(0, "train", i, 64, 64) for i in range(12)]


def test_several_classes_are_present():
    present = set().union(*(np.unique(s["label"]).tolist() for s in SCENES))
    named = {CLASS_NAMES[i] for i in present}
    assert {"sky", "building", "road", "sidewalk", "car"} <= named
    assert len(present) >= 7 and max(present) < NUM_CLASSES
    assert all(len(np.unique(s["label"])) >= 5 for s in SCENES)


def test_instance_ids_follow_the_cityscapes_convention():
    things = 0
    for s in SCENES:
        label, inst = s["label"].astype(np.int64), s["instance"]
        is_thing = np.isin(label, THING_CLASSES)
        np.testing.assert_array_equal(inst[~is_thing], label[~is_thing])  # stuff: instance id = class id
        np.testing.assert_array_equal(inst[is_thing] // 1000, label[is_thing])  # things: class * 1000 + k
        things += len(np.unique(inst[is_thing]))
    assert things >= 12  # cars and people are common, each with its own id


def test_day_and_night_differ_and_look_like_day_and_night():
    day = np.stack([s["day"] for s in SCENES]).astype(np.float32)
    night = np.stack([s["night"] for s in SCENES]).astype(np.float32)
    assert night.mean() < 0.6 * day.mean()
    unlit = night.mean(-1) < np.median(night.mean(-1))  # moonlit areas, away from lamps and windows
    assert night[unlit][:, 2].mean() / night[unlit].mean() > 1.1 * day[unlit][:, 2].mean() / day[unlit].mean()
    assert night.max() > 200  # lit windows, lamps and car lights
    assert not np.array_equal(day, night)


def test_images_are_textured_not_flat():
    for s in SCENES:
        for name in ("day", "night"):
            img = s[name]
            assert img.std() > 10, name
            assert len(np.unique(img.reshape(-1, 3), axis=0)) > 500, name
        # Within one class region the photo still varies (shading, texture), unlike the palette.
        road = s["label"] == 2
        assert s["day"][road].std() > 3


def test_rendering_is_deterministic_per_seed_split_and_index():
    again = render_sample(0, "train", 3, 64, 64)
    for name, value in again.items():
        np.testing.assert_array_equal(value, SCENES[3][name])
    assert not np.array_equal(render_sample(1, "train", 3, 64, 64)["day"], again["day"])
    assert not np.array_equal(render_sample(0, "test", 3, 64, 64)["day"], again["day"])


def test_non_square_scenes():
    s = render_sample(0, "train", 0, 48, 96)
    assert s["day"].shape == (48, 96, 3) and s["label"].shape == (48, 96)


def test_writer_produces_the_official_layouts(tmp_path):
    expected = {
        "aligned": ["train/00000.png"],
        "paired_folders": ["trainA/00000.png", "trainB/00000.png"],
        "unpaired": ["trainA/day_00000.png", "trainB/night_00000.png"],
        "labels": [
            "train_label/scene_00000_gtFine_labelIds.png",
            "train_inst/scene_00000_gtFine_instanceIds.png",
            "train_img/scene_00000_leftImg8bit.png",
        ],
    }
    for layout, names in expected.items():
        root = write_synthetic_dataset(tmp_path / layout, layout, 2, (24, 40), seed=0)
        written = sorted(str(p.relative_to(root)) for p in root.rglob("*.png"))
        assert written == sorted(n.replace("00000", i) for n in names for i in ("00000", "00001"))
    aligned = Image.open(tmp_path / "aligned/train/00000.png")
    assert aligned.size == (80, 24) and aligned.mode == "RGB"
    inst = Image.open(tmp_path / "labels/train_inst/scene_00000_gtFine_instanceIds.png")
    assert inst.mode == "I;16" and np.array(inst).max() >= 7000  # 16-bit, holds car ids
    assert Image.open(tmp_path / "labels/train_label/scene_00000_gtFine_labelIds.png").mode == "L"


def test_in_memory_source_matches_the_written_files(tmp_path):
    root = write_synthetic_dataset(tmp_path, "labels", 3, 32, seed=5)
    cfg = exact(data_cfg(layout="labels", use_instance=True, **{"synthetic.num_images": 3, "synthetic.seed": 5}))
    from_memory = elements(cfg)
    cfg.source = str(root)
    from_files = elements(cfg)
    assert len(from_memory) == len(from_files) == 3
    for m, f in zip(from_memory, from_files, strict=True):
        for key in ("label", "instance", "image"):
            np.testing.assert_array_equal(m[key], f[key])


def test_unpaired_synthetic_uses_other_scenes_for_night():
    cfg = exact(data_cfg(layout="unpaired", **{"synthetic.num_images": 3}))
    got = elements(cfg)
    assert len(got) == 3
    for i, e in enumerate(got):
        day = render_sample(0, "train", i, 32, 32, ("day",))["day"]
        night = render_sample(0, "train", i + 3, 32, 32, ("night",))["night"]
        np.testing.assert_allclose(e["A"], day / 127.5 - 1.0, atol=1e-6)
        np.testing.assert_allclose(e["B"], night / 127.5 - 1.0, atol=1e-6)
