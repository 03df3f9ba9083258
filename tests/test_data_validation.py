"""Every kind of bad folder data set fails in build_dataset with a DatasetError naming the file and problem."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tests.helpers_data import data_cfg, fails_validation, labels, paired  # noqa: F401 (fixtures)
from tf_i2i.data import build_dataset, write_synthetic_dataset


def _rgb(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def test_good_folders_pass(paired, labels):
    build_dataset(data_cfg(source=str(paired), layout="paired_folders"), batch_size=1)
    build_dataset(data_cfg(source=str(labels), layout="labels", use_instance=True), batch_size=1)


def test_missing_root_folder(tmp_path):
    fails_validation(tmp_path / "nowhere", "aligned", "folder missing", "nowhere")


def test_missing_split_folder(paired):
    (paired / "trainB").rename(paired / "elsewhere")
    fails_validation(paired, "paired_folders", "folder missing", "trainB")


def test_empty_folder(tmp_path):
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "notes.txt").write_text("no images here")
    fails_validation(tmp_path, "aligned", "empty folder", "train", "1 .txt")


def test_garbage_bytes(paired):
    (paired / "trainA/00001.png").write_bytes(b"this is not a png at all" * 10)
    fails_validation(paired, "paired_folders", "corrupt", "trainA/00001.png")


def test_truncated_png(paired):
    data = (paired / "trainB/00002.png").read_bytes()
    (paired / "trainB/00002.png").write_bytes(data[: len(data) // 2])
    fails_validation(paired, "paired_folders", "corrupt", "trainB/00002.png")


def test_truncated_jpeg(tmp_path):
    (tmp_path / "train").mkdir()
    Image.fromarray(_rgb(16, 32)).save(tmp_path / "train/ok.jpg")
    Image.fromarray(_rgb(16, 32, 1)).save(tmp_path / "train/cut.jpg")
    data = (tmp_path / "train/cut.jpg").read_bytes()
    (tmp_path / "train/cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    fails_validation(tmp_path, "aligned", "truncated", "cut.jpg")


def test_missing_partner_in_paired_folders(paired):
    (paired / "trainB/00001.png").unlink()
    fails_validation(paired, "paired_folders", "missing partner", "trainA/00001.png", "trainB")


def test_missing_image_for_a_label(labels):
    (labels / "train_img/scene_00001_leftImg8bit.png").unlink()
    fails_validation(labels, "labels", "missing partner", "scene_00001_gtFine_labelIds.png", "train_img", "'scene_00001'")


def test_missing_instance_map(labels):
    (labels / "train_inst/scene_00000_gtFine_instanceIds.png").unlink()
    fails_validation(labels, "labels", "missing partner", "scene_00000", "train_inst", use_instance=True)


def test_ambiguous_partners(paired):
    Image.fromarray(_rgb(16, 16)).save(paired / "trainA/00001.jpg")
    fails_validation(paired, "paired_folders", "ambiguous", "00001.jpg", "00001.png")


def test_size_mismatch_between_partners(paired):
    Image.fromarray(_rgb(16, 14)).save(paired / "trainB/00000.png")
    fails_validation(paired, "paired_folders", "size mismatch", "trainA/00000.png", "trainB/00000.png", "16x16", "14x16")


def test_size_mismatch_label_and_image(labels):
    Image.fromarray(_rgb(12, 16)).save(labels / "train_img/scene_00001_leftImg8bit.png")
    fails_validation(labels, "labels", "size mismatch", "scene_00001_leftImg8bit.png", "16x16", "16x12")


def test_label_id_out_of_range(labels):
    path = labels / "train_label/scene_00001_gtFine_labelIds.png"
    ids = np.array(Image.open(path))
    ids[3, 3] = 42
    Image.fromarray(ids).save(path)
    fails_validation(labels, "labels", "out of range", "scene_00001_gtFine_labelIds.png", "[42]", "num_classes 9")


def test_dontcare_id_is_allowed_only_when_declared(labels):
    path = labels / "train_label/scene_00000_gtFine_labelIds.png"
    ids = np.array(Image.open(path))
    ids[:2] = 255
    Image.fromarray(ids).save(path)
    fails_validation(labels, "labels", "out of range", "scene_00000_gtFine_labelIds.png", "[255]", "dontcare_label")
    build_dataset(data_cfg(source=str(labels), layout="labels", dontcare_label=255), batch_size=1)


def test_two_channel_image(paired):
    Image.fromarray(np.zeros((16, 16, 2), np.uint8), "LA").save(paired / "trainA/00002.png")
    fails_validation(paired, "paired_folders", "channel", "trainA/00002.png", "LA")


def test_transparent_rgba_image(paired):
    rgba = np.dstack([_rgb(16, 16), np.full((16, 16), 255, np.uint8)])
    rgba[0, 0, 3] = 0
    Image.fromarray(rgba, "RGBA").save(paired / "trainB/00001.png")
    fails_validation(paired, "paired_folders", "channel", "trainB/00001.png", "RGBA")


def test_opaque_rgba_is_read_as_rgb(tmp_path):
    rgb = _rgb(16, 32)
    (tmp_path / "train").mkdir()
    Image.fromarray(np.dstack([rgb, np.full((16, 32), 255, np.uint8)]), "RGBA").save(tmp_path / "train/x.png")
    cfg = data_cfg(source=str(tmp_path), layout="aligned", preprocess="none", flip=False)
    batch = next(iter(build_dataset(cfg, batch_size=1)))
    np.testing.assert_allclose(batch["A"][0].numpy(), rgb[:, :16] / 127.5 - 1.0, atol=1e-6)


def test_colour_label_map(labels):
    Image.fromarray(_rgb(16, 16)).save(labels / "train_label/scene_00001_gtFine_labelIds.png")
    fails_validation(labels, "labels", "channel", "scene_00001_gtFine_labelIds.png", "mode RGB")


def test_jpeg_label_map(tmp_path):
    for folder, name in (("train_label", "a.jpg"), ("train_img", "a.png")):
        (tmp_path / folder).mkdir()
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / folder / name)
    fails_validation(tmp_path, "labels", "label map not a PNG", "a.jpg", "JPEG")


def test_aligned_image_with_odd_width(tmp_path):
    (tmp_path / "train").mkdir()
    Image.fromarray(_rgb(16, 33)).save(tmp_path / "train/odd.png")
    fails_validation(tmp_path, "aligned", "odd width", "odd.png", "33")


def test_image_smaller_than_crop(paired):
    fails_validation(paired, "paired_folders", "too small", "00000.png", "crop_size 32", preprocess="crop")


def test_all_problems_are_counted(paired):
    for i in range(3):
        (paired / f"trainA/{i:05d}.png").write_bytes(b"junk")
    fails_validation(paired, "paired_folders", "corrupt", "00000.png", "2 more problems")


def test_progress_line_for_large_folders(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("tf_i2i.data.validate.PROGRESS_MIN_FILES", 2)
    root = write_synthetic_dataset(tmp_path, "paired_folders", 3, 16)
    build_dataset(data_cfg(source=str(root), layout="paired_folders"), batch_size=1)
    assert "3/3 samples" in capsys.readouterr().err
