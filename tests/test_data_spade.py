"""SPADE's data sets: COCO-Stuff (labels layout, 255 = dontcare) on the real samples, the official
ADE20K and Cityscapes release trees, and preprocess "fixed" (Cityscapes' 2:1 resize)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from tests.helpers_data import data_cfg, elements, exact
from tf_i2i.data import DatasetError, build_dataset, write_synthetic_dataset

COCO_KEYS = ["000000017914", "000000029286", "000000138805"]  # the first train samples, in key order


@pytest.fixture
def coco(shared_dir):
    root = shared_dir / "data/SPADE/datasets/coco_stuff"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    return root


def _coco_cfg(root, **fields):
    return data_cfg(**{"source": str(root), "layout": "labels", "num_classes": 182, "dontcare_label": 255,
                       "use_instance": True, **fields})


def _coco_subset(coco, tmp_path, keys=COCO_KEYS):
    """A writable copy of a few COCO-Stuff train samples (the shared folder stays read-only)."""
    for folder, ext in (("train_label", "png"), ("train_inst", "png"), ("train_img", "jpg")):
        (tmp_path / folder).mkdir()
        for key in keys:
            shutil.copy(coco / folder / f"{key}.{ext}", tmp_path / folder)
    return tmp_path


def test_coco_stuff_elements_map_unlabeled_to_num_classes(coco, tmp_path):
    root = _coco_subset(coco, tmp_path)
    got = elements(exact(_coco_cfg(root)))
    assert len(got) == 3 and set(got[0]) == {"label", "instance", "image"}
    for key, e in zip(COCO_KEYS, got, strict=True):
        stored = np.array(Image.open(root / f"train_label/{key}.png"))
        assert (stored == 255).any()
        np.testing.assert_array_equal(e["label"][..., 0], np.where(stored == 255, 182, stored))
        np.testing.assert_array_equal(e["instance"][..., 0], np.array(Image.open(root / f"train_inst/{key}.png")))
        assert e["image"].dtype == np.float32 and e["image"].shape == stored.shape + (3,)


def test_coco_stuff_without_dontcare_names_the_unlabeled_id(coco):
    words = r"label id out of range: .*train_label/0000000\d+\.png contains id\(s\) \[255\].*dontcare_label"
    with pytest.raises(DatasetError, match=words):
        build_dataset(_coco_cfg(coco, dontcare_label=-1), batch_size=1)


def test_a_class_id_beyond_num_classes_fails_before_training(coco, tmp_path):
    root = _coco_subset(coco, tmp_path)
    bad = root / f"train_label/{COCO_KEYS[1]}.png"
    label = np.array(Image.open(bad))
    label[:4, :4] = 200
    Image.fromarray(label).save(bad)
    with pytest.raises(DatasetError) as err:
        build_dataset(_coco_cfg(root), batch_size=1)
    assert str(err.value).startswith(f"label id out of range: {bad} contains id(s) [200] >= num_classes 182")


def _ade20k(root, split_folder: str = "training", n: int = 3) -> list[np.ndarray]:
    """An ADEChallengeData2016-style tree with random stored ids 0..150 (0 = unlabeled)."""
    rng = np.random.default_rng(0)
    (root / "annotations" / split_folder).mkdir(parents=True)
    (root / "images" / split_folder).mkdir(parents=True)
    labels = []
    for i in range(n):
        label = rng.integers(0, 151, size=(12, 20), dtype=np.uint8)
        label[0, :2] = (0, 150)
        name = f"ADE_{'train' if split_folder == 'training' else 'val'}_{i + 1:08d}"
        Image.fromarray(label).save(root / "annotations" / split_folder / f"{name}.png")
        Image.fromarray(rng.integers(0, 256, size=(12, 20, 3), dtype=np.uint8)).save(
            root / "images" / split_folder / f"{name}.jpg", quality=95)
        labels.append(label)
    return labels


def test_ade20k_tree_shifts_ids_and_marks_unlabeled_as_dontcare(tmp_path):
    stored = _ade20k(tmp_path)
    _ade20k(tmp_path, "validation", n=2)
    cfg = exact(data_cfg(source=str(tmp_path), layout="ade20k", num_classes=150, dontcare_label=255))
    got = elements(cfg)
    assert len(got) == 3 and set(got[0]) == {"label", "image"}
    for e, label in zip(got, stored, strict=True):
        np.testing.assert_array_equal(e["label"][..., 0], np.where(label == 0, 150, label.astype(int) - 1))
        assert e["image"].shape == (12, 20, 3)
    assert len(elements(cfg, split="val")) == len(elements(cfg, split="test")) == 2  # official test phase reads val


def test_ade20k_id_beyond_150_names_the_file(tmp_path):
    _ade20k(tmp_path)
    bad = tmp_path / "annotations/training/ADE_train_00000002.png"
    label = np.array(Image.open(bad))
    label[3, 3] = 151
    Image.fromarray(label).save(bad)
    cfg = data_cfg(source=str(tmp_path), layout="ade20k", num_classes=150, dontcare_label=255)
    with pytest.raises(DatasetError) as err:
        build_dataset(cfg, batch_size=1)
    assert str(err.value).startswith(f"label id out of range: {bad} contains id(s) [151] >= num_classes 150")
    assert "ADE20K's shift" in str(err.value)


@pytest.mark.parametrize("fields,words", [
    ({"dontcare_label": -1}, "dontcare_label=255"),
    ({"use_instance": True}, "no instance maps"),
    ({"source": "synthetic"}, "folder tree"),
    ({"source": "tfds:ade20k"}, "folder tree"),
    ({"split": "training"}, "ADE20K splits"),
])
def test_ade20k_settings_that_cannot_work(tmp_path, fields, words):
    _ade20k(tmp_path)
    cfg = {"source": str(tmp_path), "layout": "ade20k", "num_classes": 150, "dontcare_label": 255}
    split = fields.pop("split", "train")
    with pytest.raises(DatasetError, match=words):
        build_dataset(data_cfg(**{**cfg, **fields}), split=split, batch_size=1)


def _cityscapes(root, flat):
    """The official nested tree (a folder per city, plus the colour/polygon files it also holds),
    made of the synthetic labels-layout files in ``flat``."""
    for i, label in enumerate(sorted((flat / "train_label").iterdir())):
        key, city = label.name.replace("_gtFine_labelIds.png", ""), f"city{i % 2}"
        gt, photos = root / "gtFine/train" / city, root / "leftImg8bit/train" / city
        gt.mkdir(parents=True, exist_ok=True)
        photos.mkdir(parents=True, exist_ok=True)
        shutil.copy(label, gt)
        shutil.copy(flat / f"train_inst/{key}_gtFine_instanceIds.png", gt)
        shutil.copy(flat / f"train_img/{key}_leftImg8bit.png", photos)
        shutil.copy(flat / f"train_img/{key}_leftImg8bit.png", gt / f"{key}_gtFine_color.png")
        (gt / f"{key}_gtFine_polygons.json").write_text("{}")


def test_cityscapes_tree_reads_the_same_samples_as_the_flat_layout(tmp_path):
    flat = write_synthetic_dataset(tmp_path / "flat", "labels", 4, (16, 32))
    _cityscapes(tmp_path / "cityscapes", flat)
    fields = {"num_classes": 35, "use_instance": True}
    nested = elements(exact(data_cfg(source=str(tmp_path / "cityscapes"), layout="cityscapes", **fields)))
    reference = elements(exact(data_cfg(source=str(flat), layout="labels", **fields)))
    assert len(nested) == 4 and set(nested[0]) == {"label", "instance", "image"}
    for a, b in zip(nested, reference, strict=True):
        for part in a:
            np.testing.assert_array_equal(a[part], b[part])
    no_instance = elements(exact(data_cfg(source=str(tmp_path / "cityscapes"), layout="cityscapes", num_classes=35)))
    assert set(no_instance[0]) == {"label", "image"}


def test_cityscapes_tree_reports_a_missing_photo(tmp_path):
    flat = write_synthetic_dataset(tmp_path / "flat", "labels", 2, 16)
    root = tmp_path / "cityscapes"
    _cityscapes(root, flat)
    (root / "leftImg8bit/train/city1/scene_00001_leftImg8bit.png").unlink()
    with pytest.raises(DatasetError, match=r"missing partner: .*scene_00001_gtFine_labelIds.png has no partner in "
                                           r".*leftImg8bit/train .*'scene_00001'"):
        build_dataset(data_cfg(source=str(root), layout="cityscapes", num_classes=35), batch_size=1)


@pytest.mark.parametrize("aspect_ratio,crop_size,shape",
                         [(2.0, 64, (32, 64)), (1.0, 24, (24, 24)), (1.5, 40, (27, 40))])
def test_fixed_preprocess_resizes_to_crop_size_wide_and_crop_over_aspect_high(aspect_ratio, crop_size, shape):
    cfg = data_cfg(layout="labels", use_instance=True, preprocess="fixed", crop_size=crop_size,
                   aspect_ratio=aspect_ratio)
    batch = next(iter(build_dataset(cfg, batch_size=2, seed=0)))
    assert batch["label"].shape == batch["instance"].shape == (2, *shape, 1)
    assert batch["image"].shape == (2, *shape, 3)
    with pytest.raises(DatasetError, match="aspect_ratio must be positive"):
        build_dataset(data_cfg(preprocess="fixed", aspect_ratio=0.0), batch_size=1)
