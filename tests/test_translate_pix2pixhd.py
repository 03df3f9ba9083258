"""tools/encode_features.py, tools/export.py --clusters and tools/translate.py on a tiny pix2pixHD run
folder (the clusters mode), checkpoint and SavedModel modes agreeing; a data set root's val_label/."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_export import run_tools, tiny_config, write_run
from tf_i2i.data import write_synthetic_dataset
from tf_i2i.export import ExportInputError
from tf_i2i.export.cluster_choice import parse_instance_clusters
from tf_i2i.export.label_ids import checked_label_ids
from tf_i2i.export.options import TranslateOptions
from tf_i2i.export.samples import Sample
from tf_i2i.export.served import served_from_saved_model, served_from_workdir
from tf_i2i.export.translate import find_samples, make_translator, translate_files
from tf_i2i.models.pix2pixhd.clusters import CLUSTERS_FILE, load_clusters
from tf_i2i.models.serving.checks import IdRange


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A pix2pixHD run folder, its clusters (encode_features) and an export with them; a test data set;
    and encode_features on a CycleGAN run folder, run right after the pix2pixHD one."""
    workdir, cyclegan = tmp_path_factory.mktemp("run"), tmp_path_factory.mktemp("cg")
    write_run(workdir, tiny_config("pix2pixhd"))
    write_run(cyclegan, tiny_config("cyclegan"))
    data = write_synthetic_dataset(tmp_path_factory.mktemp("data"), "labels", 2, (36, 40), split="test")
    encoded, refused = run_tools(("encode_features", f"--workdir={workdir}"),
                                 ("encode_features", f"--workdir={cyclegan}"))
    assert encoded.returncode == 0, encoded.stderr
    assert "encoded 6 images" in encoded.stderr
    (exported,) = run_tools(("export", f"--workdir={workdir}", f"--clusters={workdir / CLUSTERS_FILE}", "--tflite="))
    assert exported.returncode == 0, exported.stderr
    return workdir, data, refused


@pytest.fixture(scope="module")
def run(runs):
    workdir, data, _ = runs
    return workdir, data


def _outputs(folder) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in sorted(folder.glob("*.png"))}


def test_clusters_file_has_per_class_centres(run):
    workdir, _ = run
    clusters = load_clusters(workdir / CLUSTERS_FILE)
    assert clusters.feat_num == 3 and clusters.centers
    assert all(v.shape[1] == 3 and 1 <= len(v) <= 3 for v in clusters.centers.values())


def test_checkpoint_and_saved_model_modes_agree_with_variants(run, tmp_path):
    workdir, data = run
    flags = ("--variants=2", "--cluster=random", "--seed=3", "--instance_cluster=26001:1,24000:2")
    from_checkpoint, from_saved = run_tools(
        ("translate", f"--input={data}", f"--output={tmp_path / 'ckpt'}", f"--workdir={workdir}", *flags),
        ("translate", f"--input={data / 'test_label'}", f"--instance={data / 'test_inst'}",
         f"--output={tmp_path / 'sm'}", f"--saved_model={workdir / 'export'}", *flags))
    assert from_checkpoint.returncode == 0, from_checkpoint.stderr
    assert from_saved.returncode == 0, from_saved.stderr
    assert "translated 4/4" in from_checkpoint.stderr
    a, b = _outputs(tmp_path / "ckpt"), _outputs(tmp_path / "sm")
    stems = {f"scene_{i:05d}_gtFine_labelIds_v{v}" for i in range(2) for v in range(2)}
    assert set(a) == set(b) == stems and all(x.shape == (32, 32, 3) for x in a.values())  # resize_and_crop: 32
    for stem in stems:
        assert np.abs(a[stem] - b[stem]).max() <= 1  # float rounding of two TF graphs


def test_cluster_choices_steer_the_image(run, tmp_path):
    workdir, data = run
    served = served_from_workdir(workdir)
    label = data / "test_label" / "scene_00000_gtFine_labelIds.png"
    samples = [Sample(label, data / "test_inst" / "scene_00000_gtFine_instanceIds.png")]

    def outputs(folder: str, **options) -> list[np.ndarray]:
        paths = translate_files(make_translator(served, TranslateOptions(**options)), samples, tmp_path / folder)
        return [np.asarray(Image.open(p)).astype(int) for p in paths]

    first, second = outputs("v", cluster="0", variants=2)
    (again,) = outputs("again", cluster="1")
    assert np.abs(first - second).mean() > 0.5  # cluster 0 vs cluster 1 of every class
    np.testing.assert_array_equal(second, again)
    with pytest.raises(ExportInputError, match="--instance_cluster expects ID:K"):
        parse_instance_clusters(["7"])
    with pytest.raises(ExportInputError, match="needs instance maps: pass --instance"):
        find_samples(make_translator(served, TranslateOptions()), label, None)


def test_a_data_set_root_with_val_label_is_read_and_one_without_is_an_error(run, tmp_path):
    """COCO-Stuff and ADE20K roots ship val_label/ + val_inst/ for testing, not test_."""
    workdir, data = run
    root = tmp_path / "coco"
    root.mkdir()
    (root / "val_label").symlink_to(data / "test_label")
    (root / "val_inst").symlink_to(data / "test_inst")
    translator = make_translator(served_from_workdir(workdir), TranslateOptions())
    samples = find_samples(translator, root, None)
    assert [(s.path.parent.name, s.instance.parent.name) for s in samples] == [("val_label", "val_inst")] * 2
    (tmp_path / "bare").mkdir()
    with pytest.raises(ExportInputError, match=r"bare holds no label maps and is no data set root: looked for "
                                               r"test_label/ or val_label/"):
        find_samples(translator, tmp_path / "bare", None)


def test_encode_features_refuses_other_models(runs):
    _, _, refused = runs
    assert refused.returncode == 2 and "which has no feature clusters" in refused.stderr


def test_label_ids_out_of_range_are_refused_by_name(run, tmp_path):
    """As training's validation: an id >= num_classes has no class (both sources record the count);
    this model has no dontcare id, so --out_of_range_labels=ignore has no unlabeled class to use."""
    workdir, data = run
    label = np.asarray(Image.open(data / "test_label" / "scene_00000_gtFine_labelIds.png")).copy()
    num_classes = tiny_config("pix2pixhd").data.num_classes
    label[:4, :4] = num_classes + 7
    bad = tmp_path / "bad_labelIds.png"
    Image.fromarray(label).save(bad)
    samples = [Sample(bad, data / "test_inst" / "scene_00000_gtFine_instanceIds.png")]
    for served in (served_from_workdir(workdir), served_from_saved_model(workdir / "export")):
        with pytest.raises(ExportInputError, match=rf"label id out of range: {bad} contains id\(s\) "
                                                   rf"\[{num_classes + 7}\]; the model takes class ids in "
                                                   rf"\[0, {num_classes}\)"):
            translate_files(make_translator(served, TranslateOptions()), samples, tmp_path / "refused")
        with pytest.raises(ExportInputError, match="has no dontcare id"):
            translate_files(make_translator(served, TranslateOptions(out_of_range_labels="ignore")), samples,
                            tmp_path / "refused")
    assert not list((tmp_path / "refused").glob("*.png"))


def test_ignored_out_of_range_ids_become_the_dontcare_id(tmp_path):
    ids = tf.constant([[[3], [9]], [[255], [5]]], tf.int32)  # 5 is num_classes: the dontcare's one-hot slot
    kept = checked_label_ids(ids, tmp_path / "a.png", IdRange(5, 255), policy="ignore")
    assert kept.numpy()[..., 0].tolist() == [[3, 255], [255, 5]]
    with pytest.raises(ExportInputError, match=r"contains id\(s\) \[9\]"):
        checked_label_ids(ids, tmp_path / "a.png", IdRange(5, 255))
