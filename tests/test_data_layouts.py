"""Each folder layout end to end (files written by write_synthetic_dataset), and the real samples."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.helpers_data import data_cfg, elements, exact, shared_path
from tf_i2i.data import build_dataset, write_synthetic_dataset


def _assert_images(e: dict, keys: tuple[str, ...], shape: tuple[int, ...]) -> None:
    for key in keys:
        assert e[key].dtype == np.float32 and e[key].shape == shape, key
        assert e[key].min() >= -1.0 and e[key].max() <= 1.0, key


def _as_float(path) -> np.ndarray:
    return np.asarray(Image.open(path), np.float32) / 127.5 - 1.0


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    return {
        layout: write_synthetic_dataset(root / layout, layout, 4, (32, 48), seed=2)
        for layout in ("aligned", "paired_folders", "unpaired", "labels")
    }


def test_aligned_splits_each_file_into_a_and_b(folders):
    root = folders["aligned"]
    got = elements(exact(data_cfg(source=str(root), layout="aligned")))
    assert len(got) == 4
    whole = _as_float(root / "train/00002.png")
    np.testing.assert_allclose(got[2]["A"], whole[:, :48], atol=1e-6)
    np.testing.assert_allclose(got[2]["B"], whole[:, 48:], atol=1e-6)
    augmented = elements(data_cfg(source=str(root), layout="aligned"))
    _assert_images(augmented[0], ("A", "B"), (32, 32, 3))


def test_paired_folders_match_partners_by_stem(folders):
    root = folders["paired_folders"]
    got = elements(exact(data_cfg(source=str(root), layout="paired_folders")))
    for i, e in enumerate(got):
        np.testing.assert_allclose(e["A"], _as_float(root / f"trainA/{i:05d}.png"), atol=1e-6)
        np.testing.assert_allclose(e["B"], _as_float(root / f"trainB/{i:05d}.png"), atol=1e-6)
    _assert_images(elements(data_cfg(source=str(root), layout="paired_folders"))[0], ("A", "B"), (32, 32, 3))


def test_direction_btoa_swaps_a_and_b(folders):
    cfg = exact(data_cfg(source=str(folders["paired_folders"]), layout="paired_folders"))
    forward = elements(cfg)
    cfg.direction = "BtoA"
    backward = elements(cfg)
    np.testing.assert_array_equal(backward[1]["A"], forward[1]["B"])
    np.testing.assert_array_equal(backward[1]["B"], forward[1]["A"])


def test_channel_conversion(folders):
    cfg = exact(data_cfg(source=str(folders["paired_folders"]), layout="paired_folders", a_channels=1))
    e = elements(cfg)[0]
    assert e["A"].shape == (32, 48, 1) and e["B"].shape == (32, 48, 3)
    rgb = _as_float(folders["paired_folders"] / "trainA/00000.png")
    np.testing.assert_allclose(e["A"][..., 0], rgb @ np.array([0.2989, 0.587, 0.114]), atol=2e-3)  # ITU-R 601 luma


def test_grey_file_becomes_rgb_by_copying(tmp_path):
    for d in "AB":
        (tmp_path / f"train{d}").mkdir()
        Image.fromarray(np.arange(48 * 32, dtype=np.uint8).reshape(32, 48)).save(tmp_path / f"train{d}/x.png")
    e = elements(exact(data_cfg(source=str(tmp_path), layout="paired_folders")))[0]
    assert e["A"].shape == (32, 48, 3)
    np.testing.assert_array_equal(e["A"][..., 0], e["A"][..., 2])


def test_unpaired_reads_both_domains(folders):
    got = elements(exact(data_cfg(source=str(folders["unpaired"]), layout="unpaired")))
    assert len(got) == 4
    np.testing.assert_allclose(got[1]["A"], _as_float(folders["unpaired"] / "trainA/day_00001.png"), atol=1e-6)
    np.testing.assert_allclose(got[1]["B"], _as_float(folders["unpaired"] / "trainB/night_00001.png"), atol=1e-6)
    _assert_images(elements(data_cfg(source=str(folders["unpaired"]), layout="unpaired"))[0], ("A", "B"), (32, 32, 3))


def test_unpaired_epoch_is_the_larger_domain(tmp_path):
    root = write_synthetic_dataset(tmp_path, "unpaired", 4, 16)
    for i in (2, 3):
        (root / f"trainA/day_{i:05d}.png").unlink()
    got = elements(exact(data_cfg(source=str(root), layout="unpaired")), shuffle=True)
    assert len(got) == 4  # max(2, 4): every B file once, A files wrap around
    assert len({e["B"].tobytes() for e in got}) == 4
    assert len({e["A"].tobytes() for e in got}) == 2


def test_labels_layout_with_cityscapes_names(folders):
    root = folders["labels"]
    got = elements(exact(data_cfg(source=str(root), layout="labels", use_instance=True)))
    assert len(got) == 4
    e = got[3]
    assert e["label"].dtype == np.int32 and e["label"].shape == (32, 48, 1)
    assert e["instance"].dtype == np.int32 and e["instance"].shape == (32, 48, 1)
    np.testing.assert_array_equal(
        e["label"][..., 0], np.array(Image.open(root / "train_label/scene_00003_gtFine_labelIds.png"))
    )
    np.testing.assert_array_equal(
        e["instance"][..., 0], np.array(Image.open(root / "train_inst/scene_00003_gtFine_instanceIds.png"))
    )
    np.testing.assert_allclose(e["image"], _as_float(root / "train_img/scene_00003_leftImg8bit.png"), atol=1e-6)
    without = elements(exact(data_cfg(source=str(root), layout="labels")))[0]
    assert set(without) == {"label", "image"}


def test_real_cityscapes_sample_label_instance_image():
    root = shared_path("pix2pixHD/datasets/cityscapes")
    cfg = exact(data_cfg(source=str(root), layout="labels", num_classes=35, use_instance=True))
    first = next(iter(build_dataset(cfg, batch_size=1, shuffle=False, repeat=False, deterministic=True)))
    stem = "aachen_000000_000019"
    inst = np.array(Image.open(root / f"train_inst/{stem}_gtFine_instanceIds.png"))
    assert inst.max() > 30000  # 16-bit ids such as 33001
    np.testing.assert_array_equal(first["instance"][0, ..., 0].numpy(), inst)
    np.testing.assert_array_equal(
        first["label"][0, ..., 0].numpy(), np.array(Image.open(root / f"train_label/{stem}_gtFine_labelIds.png"))
    )
    np.testing.assert_allclose(
        first["image"][0].numpy(), _as_float(root / f"train_img/{stem}_leftImg8bit.png"), atol=1e-6
    )

    # Augmented: thing ids still sit on their class (instance // 1000 == label), stuff ids equal the label.
    cfg.update_from_flattened_dict(
        {"preprocess": "scale_width_and_crop", "load_size": 96, "crop_size": 48, "flip": True}
    )
    got = elements(cfg, shuffle=True)
    assert len(got) == 8
    for e in got:
        label, inst = e["label"], e["instance"]
        assert e["image"].shape == (48, 48, 3) and label.max() < 35
        np.testing.assert_array_equal(np.where(inst >= 1000, inst // 1000, inst), label)


def test_real_coco_stuff_dontcare_becomes_an_extra_class():
    root = shared_path("SPADE/datasets/coco_stuff")
    cfg = exact(data_cfg(source=str(root), layout="labels", num_classes=182, dontcare_label=255, use_instance=True))
    got = elements(cfg)
    assert len(got) == 13
    labels = np.concatenate([e["label"].ravel() for e in got])
    assert labels.max() == 182 and 255 not in labels  # 255 (unlabeled) -> class 182
    first = sorted((root / "train_label").iterdir())[0].name  # samples come in sorted key order
    raw = np.array(Image.open(root / "train_label" / first))
    assert (raw == 255).any()
    np.testing.assert_array_equal(got[0]["label"][..., 0], np.where(raw == 255, 182, raw))
    np.testing.assert_array_equal(got[0]["instance"][..., 0], np.array(Image.open(root / "train_inst" / first)))


def test_real_munit_edges2handbags_unpaired():
    root = shared_path("MUNIT/datasets/demo_edges2handbags")
    got = elements(data_cfg(source=str(root), layout="unpaired", load_size=64, crop_size=48), shuffle=True)
    assert len(got) == 8
    for e in got:
        _assert_images(e, ("A", "B"), (48, 48, 3))
    assert np.mean([e["A"].mean() for e in got]) > np.mean([e["B"].mean() for e in got])  # edge maps are mostly white
