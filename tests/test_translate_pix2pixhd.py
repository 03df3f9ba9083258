"""tools/encode_features.py, tools/export.py --clusters and tools/translate.py's pix2pixHD mode end to
end on a tiny pix2pixHD run folder, checkpoint and SavedModel modes agreeing."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.test_export_support import run_tools, tiny_config, write_run
from tf_i2i.data import write_synthetic_dataset
from tf_i2i.export import ExportInputError
from tf_i2i.export.label_translation import (label_translator_from_workdir, parse_instance_clusters,
                                             translate_label_files)
from tf_i2i.models.pix2pixhd.clusters import CLUSTERS_FILE, load_clusters


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A pix2pixHD run folder, its clusters (encode_features) and an export with them; a test data set;
    and encode_features on a CycleGAN run folder, started together with the pix2pixHD one (2 cores)."""
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
    assert set(a) == set(b) == stems and all(x.shape == (36, 40, 3) for x in a.values())
    for stem in stems:
        assert np.abs(a[stem] - b[stem]).max() <= 1  # float rounding of two TF graphs


def test_cluster_choices_steer_the_image(run, tmp_path):
    workdir, data = run
    translator = label_translator_from_workdir(workdir)
    label = [data / "test_label" / "scene_00000_gtFine_labelIds.png"]
    instances = {label[0]: data / "test_inst" / "scene_00000_gtFine_instanceIds.png"}
    variants = _outputs_of(translate_label_files(translator, label, instances, tmp_path / "v", cluster="0", variants=2))
    again = _outputs_of(translate_label_files(translator, label, instances, tmp_path / "again", cluster="1"))
    first, second = variants.values()
    assert np.abs(first - second).mean() > 0.5  # cluster 0 vs cluster 1 of every class
    np.testing.assert_array_equal(second, next(iter(again.values())))
    with pytest.raises(ExportInputError, match="--instance_cluster expects ID:K"):
        parse_instance_clusters("7")
    with pytest.raises(ExportInputError, match="needs instance maps"):
        translate_label_files(translator, label, {}, tmp_path / "x")


def _outputs_of(paths) -> dict[str, np.ndarray]:
    return {p.stem: np.asarray(Image.open(p)).astype(int) for p in paths}


def test_encode_features_refuses_other_models(runs):
    _, _, refused = runs
    assert refused.returncode == 1 and "feature clusters are for pix2pixHD" in refused.stderr
