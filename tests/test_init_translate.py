"""tools/translate.py's INIT modes in process on a tiny run folder: random codes per box (--boxes,
--variants), a reference's codes matched by class and order or by --box_map (--style, --style_boxes),
restyling chosen boxes only (--restyle: far pixels stay within a tolerance), the boxes copy, box files
as text, CSV or instance maps, and the errors for bad box files and flags."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_export import random_images
from tests.helpers_init import SIDE, init_run
from tf_i2i.data.errors import DatasetError
from tf_i2i.export import ExportInputError
from tf_i2i.export.options import TranslateOptions, check_options
from tf_i2i.export.served import served_from_workdir
from tf_i2i.export.translate import find_samples, make_translator, translate_files
from tf_i2i.layers.boxes import OUTLINE_RGB
from tf_i2i.models.codes import sample_styles
from tf_i2i.models.munit.spec import SPEC as MUNIT_SPEC
from tf_i2i.models.serving.tensors import to_float, to_uint8

SLOTS, STYLE_DIM = 3, 8
# Input boxes (INIT rows: cls x1 y1 x2 y2): 0 a car in the top-left corner, 1 a car, 2 a person.
STREET = ["1 0 0 8 8", "1 20 18 30 28", "3 12 2 16 10"]
REFERENCE = ["3 2 2 10 14", "1 16 16 30 30"]  # 0 a person, 1 a car
RECEPTIVE = 17  # px: the tiny decoder's reach beyond a box (res block 2 x 3x3 at 1/4, two 5x5 ups, the 7x7 head)
# max |change| in [-1, 1] of pixels farther than RECEPTIVE from a restyled box: not 0, because what the
# decoder's convolutions carry out of the box moves the background region's statistics a little
# (measured 0.039 here, mean 0.010, against a mean 0.111 inside the box)
FAR_TOLERANCE = 0.05


def _write_boxes(path, picture: str, rows: list[str], size: str = f"{SIDE} {SIDE}") -> str:
    path.write_text("\n".join([picture, size, *rows]) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    workdir, model, _, _ = init_run(tmp_path_factory)
    folder = tmp_path_factory.mktemp("init_inputs")
    for name, seed in (("street", 1), ("ref", 2)):
        Image.fromarray(to_uint8(random_images((SIDE, SIDE, 3), seed)).numpy()).save(folder / f"{name}.png")
    _write_boxes(folder / "street.txt", "street.png", STREET)
    _write_boxes(folder / "ref.txt", "ref.png", REFERENCE)
    return served_from_workdir(workdir), model, folder


def _translate(setup, out, **options) -> dict[str, np.ndarray]:
    served, _, folder = setup
    translator = make_translator(served, TranslateOptions(**options))
    translate_files(translator, find_samples(translator, folder / "street.png", None), out)
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(out.glob("*.png"))}


def _picture(folder, name: str) -> tf.Tensor:
    return to_float(tf.io.decode_png(tf.io.read_file(str(folder / f"{name}.png"))))[None]


def _boxes(rows: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The padded normalised boxes [1, SLOTS, 4] and valid [1, SLOTS] of INIT rows on a SIDE picture."""
    boxes = np.zeros([1, SLOTS, 4], np.float32)
    for i, row in enumerate(rows):
        x1, y1, x2, y2 = (float(v) / SIDE for v in row.split()[1:])
        boxes[0, i] = (y1, x1, y2, x2)
    return boxes, np.arange(SLOTS)[None] < len(rows)


def _rendered(model, folder, z: np.ndarray, objects: np.ndarray) -> np.ndarray:
    boxes, valid = _boxes(STREET)
    out = model.translate_instances(_picture(folder, "street"), boxes, valid, z[None], objects[None])
    return to_uint8(out).numpy()[0].astype(int)


def _random_sets(sets: int, seed: int) -> np.ndarray:
    """[sets, 1 + SLOTS, STYLE_DIM]: per output the background code, then one per box slot."""
    return sample_styles(sets * (1 + SLOTS), STYLE_DIM, seed).reshape(sets, 1 + SLOTS, STYLE_DIM)


def test_random_codes_per_box_and_the_boxes_copy(setup, tmp_path):
    _, model, folder = setup
    out = _translate(setup, tmp_path / "v", boxes=str(folder / "street.txt"), variants=2, seed=1)
    assert set(out) == {"street_boxes", "street_v0", "street_v1"}
    codes = _random_sets(2, 1)
    for i in range(2):
        assert np.abs(out[f"street_v{i}"] - _rendered(model, folder, codes[i, 0], codes[i, 1:])).max() <= 1
    assert np.abs(out["street_v0"] - out["street_v1"]).mean() > 0.5
    picture = np.asarray(Image.open(folder / "street.png")).astype(int)
    changed = np.any(out["street_boxes"] != picture, axis=-1)
    yellow = [round((c + 1) * 127.5) for c in OUTLINE_RGB]
    assert changed.sum() >= 4 * 7 * 3 and (out["street_boxes"][changed] == yellow).all()  # outlines only
    global_only = _translate(setup, tmp_path / "g")
    expected = to_uint8(model.translate(_picture(folder, "street"), style=sample_styles(1, STYLE_DIM, 0))).numpy()
    assert set(global_only) == {"street"} and np.abs(global_only["street"] - expected[0]).max() <= 1


@pytest.mark.parametrize("box_map, matches", [((), {0: 1, 2: 0}), (("1:0",), {1: 0})])
def test_reference_codes_by_class_and_order_or_by_box_map(setup, tmp_path, caplog, box_map, matches):
    _, model, folder = setup
    with caplog.at_level(logging.WARNING):
        out = _translate(setup, tmp_path / "s", boxes=str(folder / "street.txt"), style=(str(folder / "ref.png"),),
                         style_boxes=str(folder / "ref.txt"), box_map=box_map)
    assert set(out) == {"street_boxes", "street"}
    boxes, valid = _boxes(REFERENCE)
    reference = model.picture_styles(_picture(folder, "ref"), boxes, valid, "b")
    objects = _random_sets(1, 0)[0, 1:].copy()
    for i, j in matches.items():
        objects[i] = reference.objects.numpy()[0, j]
    assert np.abs(out["street"] - _rendered(model, folder, reference.background.numpy()[0], objects)).max() <= 1
    unmatched = sorted(set(range(len(STREET))) - set(matches))
    assert [r.getMessage().split(":")[0] for r in caplog.records if "keeps a random code" in r.getMessage()] == \
        [f"box {i}" for i in unmatched]


def test_restyle_changes_the_chosen_box_and_leaves_far_pixels(setup, tmp_path):
    _, model, folder = setup
    out = _translate(setup, tmp_path / "r", boxes=str(folder / "street.txt"), restyle=("0",), seed=4)
    assert set(out) == {"street_boxes", "street", "street_restyled"}
    codes = _random_sets(2, 4)
    assert np.abs(out["street"] - _rendered(model, folder, codes[0, 0], codes[0, 1:])).max() <= 1
    change = np.abs(out["street_restyled"] - out["street"]).max(axis=-1) / 127.5  # in [-1, 1] units
    rows, cols = np.mgrid[:SIDE, :SIDE]
    inside, far = change[:8, :8], change[np.maximum(rows - 7, cols - 7) > RECEPTIVE]  # box 0: pixels 0..7
    print(f"restyle: inside box mean |change| {inside.mean():.3f}, far ({far.size} px) max {far.max():.4f} "
          f"mean {far.mean():.4f}")
    assert inside.mean() > 0.05 and far.size >= 20
    assert far.max() < FAR_TOLERANCE and far.mean() < inside.mean() / 8


def test_box_files_as_csv_and_instance_maps_give_the_same_boxes(setup, tmp_path):
    _, _, folder = setup
    text = _translate(setup, tmp_path / "t", boxes=str(folder / "street.txt"), seed=2)
    by_id = _write_boxes(folder / "by_id.txt", "street.png", [STREET[2], *STREET[:2]])  # instance maps: by id
    text_by_id = _translate(setup, tmp_path / "i", boxes=by_id, seed=2)
    (folder / "street.csv").write_text("\n".join(["class,x1,y1,x2,y2", *(",".join(r.split()) for r in STREET)]))
    ids = np.zeros([SIDE, SIDE], np.uint16)
    for k, row in enumerate(STREET):  # instance ids label * 1000 + k (Cityscapes car 26, person 24)
        cls, x1, y1, x2, y2 = (int(v) for v in row.split())
        ids[y1:y2, x1:x2] = (26 if cls == 1 else 24) * 1000 + k
    Image.fromarray(ids).save(folder / "street_ids.png")
    for name, expected in (("street.csv", text), ("street_ids.png", text_by_id)):
        other = _translate(setup, tmp_path / name, boxes=str(folder / name), seed=2)
        assert np.abs(other["street"] - expected["street"]).max() <= 1, name


def test_more_boxes_than_slots_keeps_the_largest(setup, tmp_path, caplog):
    _, _, folder = setup
    many = _write_boxes(folder / "many.txt", "street.png", [*STREET, "3 30 30 31 31"])
    with caplog.at_level(logging.WARNING):
        out = _translate(setup, tmp_path / "m", boxes=many)
    assert "holds 4 boxes but the model takes 3: kept the 3 largest" in caplog.text
    assert np.abs(out["street"] - _translate(setup, tmp_path / "k", boxes=str(folder / "street.txt"))["street"]).max() <= 1


def test_bad_box_files_and_flags_fail_clearly(setup, tmp_path):
    _, _, folder = setup
    street = str(folder / "street.txt")
    cases = [
        (DatasetError, r"other_size.txt:2: size 40x40 differs from the image",
         {"boxes": _write_boxes(folder / "other_size.txt", "street.png", STREET, "40 40")}),
        (DatasetError, r"bad_line.txt:4: malformed box row '1 0 0 8'",
         {"boxes": _write_boxes(folder / "bad_line.txt", "street.png", [STREET[0], "1 0 0 8"])}),
        (ExportInputError, r"--box_map=5:0: the input index is out of range: .*street.txt has boxes 0..2",
         {"boxes": street, "style": (str(folder / "ref.png"),), "style_boxes": str(folder / "ref.txt"),
          "box_map": ("5:0",)}),
        (ExportInputError, r"--box_map=0:2: the reference index is out of range: .*ref.txt has boxes 0..1",
         {"boxes": street, "style": (str(folder / "ref.png"),), "style_boxes": str(folder / "ref.txt"),
          "box_map": ("0:2",)}),
        (ExportInputError, r"--restyle=3: .*street.txt has boxes 0..2", {"boxes": street, "restyle": ("3",)}),
        (ExportInputError, r"--restyle need the input picture's boxes \(--boxes\)", {"restyle": ("0",)}),
        (ExportInputError, r"--style with --boxes takes one reference picture and its boxes",
         {"boxes": street, "style": (str(folder / "ref.png"),)}),
    ]
    for error, message, options in cases:
        with pytest.raises(error, match=message):
            _translate(setup, tmp_path / "e", **options)
    small = np.zeros([16, 16], np.uint16)
    Image.fromarray(small).save(folder / "small_ids.png")
    with pytest.raises(ExportInputError, match=r"small_ids.png: the instance map is 16x16 but its picture"):
        _translate(setup, tmp_path / "e", boxes=str(folder / "small_ids.png"))
    with pytest.raises(ExportInputError, match=r"--boxes does not apply to munit \(its translate modes: variants"):
        check_options(TranslateOptions(boxes=street), "munit", MUNIT_SPEC.translate)
