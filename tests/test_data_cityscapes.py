"""The pix2pixHD data layout: Cityscapes labelIds + 16-bit instanceIds + photos, --no_instance, the
test phase (no photos), and RGB label pictures (label_nc 0); on the real samples where they matter."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from tests.helpers_data import data_cfg, elements, exact
from tf_i2i.data import DatasetError, build_dataset
from tf_i2i.data.synthetic import render_sample
from tf_i2i.data.synthetic_scene import PALETTE

TRAIN_KEYS = [f"aachen_{i:06d}_000019" for i in range(8)]  # the samples, in sample-key order


@pytest.fixture
def cityscapes(shared_dir):
    root = shared_dir / "data/pix2pixHD/datasets/cityscapes"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    return root


def _files(root, key: str, split: str = "train") -> dict[str, np.ndarray]:
    return {
        "label": np.array(Image.open(root / f"{split}_label/{key}_gtFine_labelIds.png")),
        "instance": np.array(Image.open(root / f"{split}_inst/{key}_gtFine_instanceIds.png")).astype(np.int64),
        **({"image": np.array(Image.open(root / f"{split}_img/{key}_leftImg8bit.png"))} if split == "train" else {}),
    }


def _cityscapes_cfg(root, **fields):
    return data_cfg(**{"source": str(root), "layout": "labels", "num_classes": 35, "use_instance": True, **fields})


def test_batch_holds_what_pix2pixhd_needs(cityscapes):
    cfg = _cityscapes_cfg(cityscapes, preprocess="scale_width", load_size=256, flip=False)
    batch = next(iter(build_dataset(cfg, batch_size=2, shuffle=False, repeat=False, deterministic=True)))
    assert set(batch) == {"label", "instance", "image"}
    assert batch["label"].dtype == tf.int32 and batch["label"].shape == (2, 128, 256, 1)
    assert batch["instance"].dtype == tf.int32 and batch["instance"].shape == (2, 128, 256, 1)
    assert batch["image"].dtype == tf.float32 and batch["image"].shape == (2, 128, 256, 3)
    assert -1.0 <= float(tf.reduce_min(batch["image"])) and float(tf.reduce_max(batch["image"])) <= 1.0
    for i, key in enumerate(TRAIN_KEYS[:2]):
        stored = set(np.unique(_files(cityscapes, key)["instance"]))
        got = set(np.unique(batch["instance"][i].numpy()))
        assert got <= stored and max(got) > 24000  # nearest neighbour: 16-bit thing ids such as 26001 intact
        assert batch["label"][i].numpy().max() < 35


def _locate(image: np.ndarray, crop: np.ndarray) -> tuple[int, int, bool]:
    """Where (top, left, flipped) the crop came from: the window with the smallest difference."""
    size = crop.shape[0]
    windows = sliding_window_view(image, (size, size), axis=(0, 1))  # [H', W', C, size, size]
    best = None
    for flipped in (False, True):
        target = np.moveaxis(crop[:, ::-1] if flipped else crop, -1, 0)
        err = np.abs(windows - target).max(axis=(2, 3, 4))
        top, left = np.unravel_index(np.argmin(err), err.shape)
        if best is None or err[top, left] < best[0]:
            best = (err[top, left], int(top), int(left), flipped)
    assert best[0] < 1e-5, "the augmented photo is no crop of the resized photo"
    return best[1:]


def _nearest(a: np.ndarray, height: int, width: int) -> np.ndarray:
    """Nearest-neighbour resize with half-pixel centres (what tf.image.resize 'nearest' does)."""
    rows = np.minimum(((np.arange(height) + 0.5) * a.shape[0] / height).astype(int), a.shape[0] - 1)
    cols = np.minimum(((np.arange(width) + 0.5) * a.shape[1] / width).astype(int), a.shape[1] - 1)
    return a[rows][:, cols]


def test_augmentation_keeps_label_instance_and_photo_together(cityscapes):
    """Each augmented photo is located in the resized photo; label and instance must be the same
    crop (and flip) of their nearest-neighbour resized maps."""
    cfg = _cityscapes_cfg(cityscapes, preprocess="scale_width_and_crop", load_size=128, crop_size=32, flip=True)
    flips = 0
    for key, e in zip(TRAIN_KEYS, elements(cfg), strict=True):
        files = _files(cityscapes, key)
        photo = tf.image.resize(files["image"][None] / 127.5 - 1.0, [64, 128], antialias=True)
        top, left, flipped = _locate(np.clip(photo[0].numpy(), -1, 1), e["image"])
        flips += flipped
        for part in ("label", "instance"):
            want = _nearest(files[part], 64, 128)[top : top + 32, left : left + 32]
            np.testing.assert_array_equal(e[part][..., 0], want[:, ::-1] if flipped else want, err_msg=f"{key} {part}")
    assert 0 < flips < 8  # both outcomes were checked


def test_no_instance_reads_no_instance_folder(cityscapes, tmp_path):
    """Official --no_instance: only train_label/ and train_img/ are needed (links, not copies)."""
    for folder in ("train_label", "train_img"):
        (tmp_path / folder).symlink_to(cityscapes / folder)
    cfg = exact(data_cfg(source=str(tmp_path), layout="labels", num_classes=35))
    got = elements(cfg)
    assert len(got) == 8 and set(got[0]) == {"label", "image"}
    np.testing.assert_array_equal(got[5]["label"][..., 0], _files(cityscapes, TRAIN_KEYS[5])["label"])


def test_test_split_reads_labels_and_instances_without_photos(cityscapes):
    cfg = exact(_cityscapes_cfg(cityscapes, use_image=False))
    with pytest.raises(DatasetError, match="folder missing: .*test_img"):
        build_dataset(exact(_cityscapes_cfg(cityscapes)), split="test", batch_size=1)
    got = elements(cfg, split="test")
    assert len(got) == 15 and set(got[0]) == {"label", "instance"}
    first = sorted(p.name for p in (cityscapes / "test_label").iterdir())[0].replace("_gtFine_labelIds.png", "")
    files = _files(cityscapes, first, split="test")
    np.testing.assert_array_equal(got[0]["label"][..., 0], files["label"])
    np.testing.assert_array_equal(got[0]["instance"][..., 0], files["instance"])


def test_too_few_classes_for_the_label_ids(cityscapes):
    with pytest.raises(DatasetError, match="label id out of range: .*labelIds.png contains id"):
        build_dataset(_cityscapes_cfg(cityscapes, num_classes=20), batch_size=1)


def _write_rgb_label_set(root, folders: tuple[str, str], n: int = 3) -> list[dict[str, np.ndarray]]:
    """Synthetic scenes as label colours (input), instance ids and photos in the given folders."""
    samples = [render_sample(3, "train", i, 24, 40, ("palette", "instance", "day")) for i in range(n)]
    for folder in (*folders, "train_inst"):
        (root / folder).mkdir()
    for i, s in enumerate(samples):
        Image.fromarray(s["palette"]).save(root / folders[0] / f"s{i}.png")
        Image.fromarray(s["day"]).save(root / folders[1] / f"s{i}.png")
        Image.fromarray(s["instance"].astype(np.uint16)).save(root / "train_inst" / f"s{i}.png")
    return samples


@pytest.mark.parametrize("folders", [("train_A", "train_B"), ("train_label", "train_img")])
def test_rgb_label_pictures_with_num_classes_0(tmp_path, folders):
    """Official label_nc 0: the input is a picture used as it is (train_A/ + train_B/, or _label/ + _img/)."""
    samples = _write_rgb_label_set(tmp_path, folders)
    got = elements(exact(data_cfg(source=str(tmp_path), layout="labels", num_classes=0, use_instance=True)))
    assert len(got) == 3 and set(got[0]) == {"label_image", "instance", "image"}
    for e, s in zip(got, samples, strict=True):
        assert e["label_image"].dtype == np.float32 and e["label_image"].shape == (24, 40, 3)
        np.testing.assert_allclose(e["label_image"], s["palette"] / 127.5 - 1.0, atol=1e-6)
        np.testing.assert_allclose(e["image"], s["day"] / 127.5 - 1.0, atol=1e-6)
        np.testing.assert_array_equal(e["instance"][..., 0], s["instance"])


def test_synthetic_labels_for_pix2pixhd_and_as_rgb_pictures():
    cfg = exact(data_cfg(layout="labels", num_classes=35, use_instance=True))
    ids = elements(cfg)
    assert set(ids[0]) == {"label", "instance", "image"}
    for e in ids:
        label, inst = e["label"], e["instance"]
        np.testing.assert_array_equal(np.where(inst >= 1000, inst // 1000, inst), label)
    assert any((e["instance"] >= 1000).any() for e in ids)  # there are things (cars, people)
    cfg.num_classes = 0
    pictures = elements(cfg)
    assert set(pictures[0]) == {"label_image", "instance", "image"}
    for e, f in zip(ids, pictures, strict=True):
        np.testing.assert_allclose(f["label_image"], PALETTE[e["label"][..., 0]] / 127.5 - 1.0, atol=1e-6)
        np.testing.assert_array_equal(f["instance"], e["instance"])
        np.testing.assert_array_equal(f["image"], e["image"])


@pytest.mark.parametrize("fields,words", [
    ({"num_classes": -1}, "num_classes must be >= 0"),
    ({"num_classes": 0, "dontcare_label": 255}, "dontcare_label needs class ids"),
])
def test_bad_label_settings(fields, words):
    with pytest.raises(DatasetError, match=words):
        build_dataset(data_cfg(layout="labels", **fields), batch_size=1)
