"""Boxes of the INIT data: the annotation readers and their errors (file and line), boxes from instance
maps (synthetic scenes, Cityscapes), the padded fixed-size form."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_data import data_cfg, shared_path
from tf_i2i.data.augment import augment
from tf_i2i.data import DatasetError, build_dataset, write_synthetic_dataset
from tf_i2i.data.boxes import ImageBoxes, padded, read_csv_boxes, read_init_annotation, read_instance_boxes
from tf_i2i.data.boxes.instance_boxes import CITYSCAPES_CLASSES, SYNTHETIC_CLASSES, boxes_from_instance_map
from tf_i2i.data.boxes.transform import clip_boxes
from tf_i2i.data.synthetic import render_sample


def _image(path, height=20, width=30):
    Image.fromarray(np.zeros([height, width, 3], np.uint8)).save(path)
    return path


def _init_text(tmp_path, rows, size="30 20", image="a.png"):
    _image(tmp_path / "a.png")
    path = tmp_path / "a.txt"
    path.write_text("\n".join([image, size, *rows]) + "\n")
    return path


def test_init_text_reads_boxes_and_pads_normalised(tmp_path):
    boxes = read_init_annotation(_init_text(tmp_path, ["1 3 4 9 14", "3 0 0 30 20"]))
    assert (boxes.height, boxes.width) == (20, 30)
    np.testing.assert_array_equal(boxes.classes, [1, 3])
    out = padded(boxes, 4)
    np.testing.assert_allclose(out["boxes"][0], [4 / 20, 3 / 30, 14 / 20, 9 / 30])
    np.testing.assert_allclose(out["boxes"][1], [0, 0, 1, 1])
    np.testing.assert_array_equal(out["box_classes"], [1, 3, 0, 0])
    np.testing.assert_array_equal(out["box_valid"], [True, True, False, False])
    assert not out["boxes"][2:].any()


def test_init_text_size_line_may_be_height_first(tmp_path):
    path = _init_text(tmp_path, ["1 3 4 9 14"], "20 30", "a.png")
    boxes = read_init_annotation(path)
    assert (boxes.width, boxes.height) == (30, 20)
    np.testing.assert_array_equal(boxes.xyxy, [[3, 4, 9, 14]])


def test_init_text_finds_the_image_by_name_in_the_image_folder(tmp_path):
    images = tmp_path / "trainA"
    images.mkdir()
    _image(images / "b.png")
    path = tmp_path / "b.txt"
    path.write_text("/their/machine/b.png\n30 20 3\n2 1 1 2 2\n")
    assert read_init_annotation(path, image_dir=images).image == str(images / "b.png")


@pytest.mark.parametrize(
    ("rows", "size", "image", "line", "words"),
    [
        (["1 3 4 31 14"], "30 20", "a.png", 3, "outside"),
        (["1 3 4 9 14", "1 -1 4 9 14"], "30 20", "a.png", 4, "outside"),
        (["1 9 4 9 14"], "30 20", "a.png", 3, "x2 > x1"),
        (["1 3 14 9 4"], "30 20", "a.png", 3, "y2 > y1"),
        (["4 3 4 9 14"], "30 20", "a.png", 3, "unknown class id 4"),
        (["1 3 4 9"], "30 20", "a.png", 3, "malformed box row"),
        (["car 3 4 9 14"], "30 20", "a.png", 3, "malformed box row"),
        ([], "30 x", "a.png", 2, "malformed size line"),
        ([], "31 20", "a.png", 2, "differs from the image"),
        ([], "30 20", "gone.png", 1, "missing image"),
    ],
)
def test_init_text_errors_name_file_and_line(tmp_path, rows, size, image, line, words):
    path = _init_text(tmp_path, rows, size, image)
    with pytest.raises(DatasetError, match=rf"{path}:{line}: .*{words}"):
        read_init_annotation(path)


def test_csv_reads_boxes_and_names_file_and_line(tmp_path):
    image = _image(tmp_path / "a.png")
    path = tmp_path / "a.csv"
    path.write_text("class,x1,y1,x2,y2\n3, 0, 0, 5, 6\n1,2,2,30,20\n")
    boxes = read_csv_boxes(path, image)
    np.testing.assert_array_equal(boxes.xyxy, [[0, 0, 5, 6], [2, 2, 30, 20]])
    np.testing.assert_array_equal(boxes.classes, [3, 1])
    path.write_text("class,x1,y1,x2,y2\n3,0,0,5,6\n\n1,2,2,31,20\n")
    with pytest.raises(DatasetError, match=rf"{path}:4: .*outside"):
        read_csv_boxes(path, image)
    path.write_text("x1,y1,x2,y2\n")
    with pytest.raises(DatasetError, match=rf"{path}:1: .*header"):
        read_csv_boxes(path, image)
    with pytest.raises(DatasetError, match=rf"{path}:1: .*missing image"):
        read_csv_boxes(path, tmp_path / "gone.png")


def test_more_boxes_than_max_keeps_the_largest_in_order():
    boxes = ImageBoxes("", 10, 10, np.array([[0, 0, 2, 2], [0, 0, 9, 9], [0, 0, 1, 1], [0, 0, 5, 5]], np.float32),
                        np.array([1, 2, 3, 1], np.int32))
    out = padded(boxes, 2)
    np.testing.assert_array_equal(out["box_classes"], [2, 1])
    np.testing.assert_allclose(out["boxes"][:, 2], [0.9, 0.5])
    assert out["box_valid"].all()


def test_instance_map_boxes_enclose_each_instance(tmp_path):
    instance = np.full([12, 16], 7, np.int32)  # stuff of class 7
    instance[2:5, 3:9] = 26000
    instance[6:11, 1:2] = 24003
    instance[0:3, 12:16] = 33001  # a class without boxes
    path = tmp_path / "x_gtFine_instanceIds.png"
    Image.fromarray(instance.astype(np.uint16)).save(path)
    boxes = read_instance_boxes(path, CITYSCAPES_CLASSES)
    np.testing.assert_array_equal(boxes.xyxy, [[1, 6, 2, 11], [3, 2, 9, 5]])  # ids in increasing order
    np.testing.assert_array_equal(boxes.classes, [3, 1])


def _check_boxes_enclose(instance: np.ndarray, boxes, class_map) -> None:
    """Every kept instance's pixels fill its box's edges (the box is the tight bounding box)."""
    things = [i for i in np.unique(instance) if i >= 1000 and i // 1000 in class_map]
    assert len(things) == len(boxes.xyxy)
    for inst, (x1, y1, x2, y2), cls in zip(things, boxes.xyxy.astype(int), boxes.classes):
        mask = instance == inst
        assert cls == class_map[inst // 1000]
        assert mask[y1:y2, x1:x2].sum() == mask.sum()
        inside = mask[y1:y2, x1:x2]
        assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()


def test_synthetic_scene_boxes_enclose_their_instance_pixels():
    for index in range(3):
        instance = render_sample(0, "train", index, 64, 96, ("instance",))["instance"]
        boxes = boxes_from_instance_map(instance, SYNTHETIC_CLASSES)
        assert len(boxes.xyxy) > 0
        _check_boxes_enclose(instance, boxes, SYNTHETIC_CLASSES)


def test_cityscapes_instance_map_boxes():
    path = next(iter(sorted(shared_path("pix2pixHD/datasets/cityscapes/train_inst").glob("*_instanceIds.png"))))
    instance = np.array(Image.open(path)).astype(np.int64)
    boxes = read_instance_boxes(path)
    assert len(boxes.xyxy) > 0
    _check_boxes_enclose(instance, boxes, CITYSCAPES_CLASSES)


def _rectangle_sample():
    """A 40x60 black image with a red rectangle over rows 10..24, columns 20..44, and its box."""
    image = np.full([40, 60, 3], -1.0, np.float32)
    image[10:25, 20:45, 0] = 1.0
    box = np.array([[10 / 40, 20 / 60, 25 / 40, 45 / 60], [0, 0, 0, 0]], np.float32)
    return tf.constant(image), {"boxes": tf.constant(box), "box_classes": tf.constant([1, 0]),
                                "box_valid": tf.constant([True, False])}


@pytest.mark.parametrize("seed", range(6))
def test_boxes_follow_resize_crop_and_flip(seed):
    image, element = _rectangle_sample()
    cfg = data_cfg(load_size=48, crop_size=32, preprocess="resize_and_crop", flip=True)
    moved = augment({"image": image, "boxes": element["boxes"]}, cfg, tf.constant([seed, 1], tf.int64),
                    boxes=("boxes",))
    out = clip_boxes({**element, "boxes": moved["boxes"]}, 32, 32, min_visible=0.0, min_size=0.0)
    red = moved["image"][..., 0].numpy() > 0
    ys, xs = np.nonzero(red)
    assert out["box_valid"].numpy()[0] == (len(ys) > 0)
    assert not out["box_valid"].numpy()[1] and not out["boxes"].numpy()[1].any()
    if len(ys):  # the box is the red pixels' tight bounding box, within the resize's blur of one pixel
        edges = np.array([ys.min(), xs.min(), ys.max() + 1, xs.max() + 1])
        np.testing.assert_allclose(out["boxes"].numpy()[0] * 32, edges, atol=1.0)


def test_boxes_leaving_the_crop_are_clipped_or_dropped():
    boxes = tf.constant([[-0.5, 0.2, 0.5, 0.4], [-0.9, 0.2, 0.1, 0.4], [0.2, 0.2, 0.25, 0.9], [1.2, 0, 1.5, 1]])
    element = {"boxes": boxes, "box_classes": tf.constant([1, 2, 3, 1]), "box_valid": tf.constant([True] * 4)}
    out = clip_boxes(element, 100, 100, min_visible=0.25, min_size=6.0)
    np.testing.assert_array_equal(out["box_valid"], [True, False, False, False])  # half kept; a tenth; 5 px; outside
    np.testing.assert_allclose(out["boxes"][0], [0, 0.2, 0.5, 0.4])
    np.testing.assert_array_equal(out["box_classes"], [1, 0, 0, 0])
    assert not out["boxes"].numpy()[1:].any()


def test_synthetic_boxes_layout_elements():
    cfg = data_cfg(layout="boxes", num_domains=3, **{"synthetic.image_size": 48, "boxes.max_boxes": 5,
                                                     "boxes.min_size": 2.0})
    ds = build_dataset(cfg, batch_size=2, shuffle=False, deterministic=True)
    assert ds.element_spec == {
        "image": tf.TensorSpec([2, 32, 32, 3], tf.float32),
        "domain": tf.TensorSpec([2], tf.int32),
        "boxes": tf.TensorSpec([2, 5, 4], tf.float32),
        "box_classes": tf.TensorSpec([2, 5], tf.int32),
        "box_valid": tf.TensorSpec([2, 5], tf.bool),
    }
    batches = list(ds.take(3).as_numpy_iterator())
    domains = np.concatenate([b["domain"] for b in batches])
    np.testing.assert_array_equal(domains, [0, 1, 2, 0, 1, 2])
    valid = np.concatenate([b["box_valid"] for b in batches])
    boxes = np.concatenate([b["boxes"] for b in batches])
    classes = np.concatenate([b["box_classes"] for b in batches])
    assert valid.any()
    assert ((boxes >= 0) & (boxes <= 1)).all() and (boxes[valid][:, 2:] > boxes[valid][:, :2]).all()
    assert set(classes[valid]) <= {1, 3} and not classes[~valid].any() and not boxes[~valid].any()


def test_boxes_config_errors_name_the_field():
    for field, value in (("boxes.max_boxes", 0), ("boxes.min_visible", 1.5), ("boxes.format", "xml")):
        with pytest.raises(DatasetError, match=f"data.{field}"):
            build_dataset(data_cfg(layout="boxes", **{field: value}), batch_size=1)


def test_synthetic_boxes_layout_boxes_are_the_scene_instances():
    cfg = data_cfg(layout="boxes", num_domains=2, preprocess="none", flip=False,
                   **{"synthetic.image_size": 48, "boxes.min_size": 0.0, "boxes.min_visible": 0.0})
    first = next(build_dataset(cfg, batch_size=1, shuffle=False).as_numpy_iterator())
    instance = render_sample(cfg.synthetic.seed, "train", 0, 48, 48, ("instance",))["instance"]
    expected = padded(boxes_from_instance_map(instance, SYNTHETIC_CLASSES), cfg.boxes.max_boxes)
    for key, value in expected.items():
        np.testing.assert_allclose(first[key][0], value)


def _box_folders(root, n=3, size=40):
    """Two synthetic domain folders and, per image, its instance map as trainX_boxes/<stem>.png."""
    write_synthetic_dataset(root, "domains", n, size, num_domains=2)
    for d, (letter, look) in enumerate(zip("AB", ("day", "night"))):
        (root / f"train{letter}_boxes").mkdir()
        for i in range(n):
            instance = render_sample(0, "train", i + d * n, size, size, ("instance",))["instance"]
            Image.fromarray(instance.astype(np.uint16)).save(root / f"train{letter}_boxes/{look}_{i:05d}.png")
    return root


def _folder_cfg(root, **fields):
    return data_cfg(source=str(root), layout="boxes", num_domains=2, preprocess="none", flip=False,
                    **{"boxes.format": "instance", "boxes.instance_classes": tuple(SYNTHETIC_CLASSES.items()),
                       "boxes.min_size": 0.0, "boxes.min_visible": 0.0, **fields})


def test_folder_boxes_from_instance_maps_match_the_synthetic_source(tmp_path):
    root = _box_folders(tmp_path)
    from_files = list(build_dataset(_folder_cfg(root), batch_size=2, shuffle=False, repeat=False).as_numpy_iterator())
    rendered = build_dataset(_folder_cfg("synthetic", **{"synthetic.num_images": 3, "synthetic.image_size": 40}),
                             batch_size=2, shuffle=False, repeat=False)
    for got, want in zip(from_files, rendered.as_numpy_iterator()):
        for key in ("domain", "boxes", "box_classes", "box_valid"):
            np.testing.assert_allclose(got[key], want[key])


def test_folder_boxes_from_init_text(tmp_path):
    root = _box_folders(tmp_path)
    for letter, look in zip("AB", ("day", "night")):
        for i in range(3):
            (root / f"train{letter}_boxes/{look}_{i:05d}.png").unlink()
            (root / f"train{letter}_boxes/{look}_{i:05d}.txt").write_text(f"{look}_{i:05d}.png\n40 40\n2 4 8 20 30\n")
    first = next(build_dataset(_folder_cfg(root, **{"boxes.format": "txt"}), batch_size=1, shuffle=False)
                 .as_numpy_iterator())
    np.testing.assert_allclose(first["boxes"][0, 0], [8 / 40, 4 / 40, 30 / 40, 20 / 40])
    np.testing.assert_array_equal(first["box_classes"][0, :2], [2, 0])
    (root / "trainB_boxes/night_00001.txt").write_text("night_00001.png\n40 40\n2 4 8 20 41\n")
    with pytest.raises(DatasetError, match=r"night_00001.txt:3: .*outside"):
        build_dataset(_folder_cfg(root, **{"boxes.format": "txt"}), batch_size=1)


def test_folder_boxes_missing_and_orphan_files(tmp_path):
    root = _box_folders(tmp_path)
    (root / "trainA_boxes/day_00001.png").rename(root / "trainA_boxes/gone.png")
    with pytest.raises(DatasetError, match=r"gone.png:1: annotation for a missing image"):
        build_dataset(_folder_cfg(root), batch_size=1)
    (root / "trainA_boxes/gone.png").unlink()
    with pytest.raises(DatasetError, match=r"missing box file .*day_00001.png"):
        build_dataset(_folder_cfg(root), batch_size=1)


def test_folder_boxes_pair_cityscapes_names(tmp_path):
    root = _box_folders(tmp_path)
    for letter, look in zip("AB", ("day", "night")):
        for i in range(3):
            (root / f"train{letter}/{look}_{i:05d}.png").rename(root / f"train{letter}/{look}_{i:05d}_leftImg8bit.png")
            box = root / f"train{letter}_boxes/{look}_{i:05d}.png"
            box.rename(box.with_name(f"{look}_{i:05d}_gtFine_instanceIds.png"))
    batch = next(build_dataset(_folder_cfg(root), batch_size=6, shuffle=False).as_numpy_iterator())
    for d, i in ((0, 0), (1, 0), (0, 1)):  # domains take turns: elements 0, 1, 2 are A0, B0, A1
        instance = render_sample(0, "train", i + d * 3, 40, 40, ("instance",))["instance"]
        want = padded(boxes_from_instance_map(instance, SYNTHETIC_CLASSES), 8)["boxes"]
        np.testing.assert_allclose(batch["boxes"][2 * i + d], want)


def test_unboxed_domains_read_no_box_files(tmp_path):
    root = _box_folders(tmp_path)
    for box_file in (root / "trainB_boxes").iterdir():
        box_file.unlink()
    (root / "trainB_boxes").rmdir()
    with pytest.raises(DatasetError, match=r"folder missing: .*trainB_boxes"):
        build_dataset(_folder_cfg(root), batch_size=1)
    batch = next(build_dataset(_folder_cfg(root, **{"boxes.unboxed_domains": (1,)}), batch_size=6, shuffle=False)
                 .as_numpy_iterator())
    assert batch["box_valid"][batch["domain"] == 0].any() and not batch["box_valid"][batch["domain"] == 1].any()
    with pytest.raises(DatasetError, match=r"data.boxes.unboxed_domains"):
        build_dataset(_folder_cfg(root, **{"boxes.unboxed_domains": (2,)}), batch_size=1)


@pytest.mark.parametrize(("options", "look_b"), [({}, "night"),
                                                ({"looks": ("day", "night_instances"), "signs": True}, "night_instances")])
def test_written_synthetic_boxes_folders_read_back_as_the_in_memory_set(tmp_path, options, look_b):
    root = write_synthetic_dataset(tmp_path, "boxes", 3, 40, num_domains=2, **options)
    assert (root / f"trainB_boxes/{look_b}_00002.txt").read_text().startswith(f"{look_b}_00002.png\n40 40\n")
    cfg = _folder_cfg(root, **{"boxes.format": "txt"})
    from_files = build_dataset(cfg, batch_size=2, shuffle=False, repeat=False)
    synthetic = {"synthetic.num_images": 3, "synthetic.image_size": 40,
                 **{f"synthetic.{key}": value for key, value in options.items()}}
    rendered = build_dataset(_folder_cfg("synthetic", **synthetic), batch_size=2, shuffle=False, repeat=False)
    classes = set()
    for got, want in zip(from_files.as_numpy_iterator(), rendered.as_numpy_iterator(), strict=True):
        for key in want:
            np.testing.assert_allclose(got[key], want[key])
        classes |= set(want["box_classes"][want["box_valid"]].tolist())
    assert (2 in classes) == bool(options)  # sign boxes only with data.synthetic.signs


def test_boxes_match_by_class_and_order_or_cyclically():
    from tf_i2i.data.boxes import match_by_class

    # input: car, person, car, car; reference: person, car, car
    assert match_by_class([1, 3, 1, 1], [3, 1, 1]) == {0: 1, 1: 0, 2: 2}
    assert match_by_class([1, 3, 1, 1], [3, 1, 1], cyclic=True) == {0: 1, 1: 0, 2: 2, 3: 1}
    assert match_by_class([2], [1, 3], cyclic=True) == {}
