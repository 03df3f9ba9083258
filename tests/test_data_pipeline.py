"""build_dataset behaviour: determinism, file-list shuffling, batching, config checks."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_data import data_cfg, elements, exact
from tf_i2i.data import DatasetError, build_dataset, default_data_config, write_synthetic_dataset


def _batches(cfg, n: int = 3, **kwargs) -> list[dict[str, np.ndarray]]:
    ds = build_dataset(cfg, batch_size=2, **kwargs)
    return [{k: v.numpy() for k, v in b.items()} for b in ds.take(n)]


def _same(a: list[dict], b: list[dict]) -> bool:
    return all(np.array_equal(x[k], y[k]) for x, y in zip(a, b, strict=True) for k in x)


@pytest.mark.parametrize("layout", ["aligned", "unpaired", "labels"])
def test_deterministic_builds_give_identical_batches(layout):
    cfg = data_cfg(layout=layout, use_instance=True)
    first = _batches(cfg, seed=3, deterministic=True)
    second = _batches(cfg, seed=3, deterministic=True)
    assert _same(first, second)
    assert not _same(first, _batches(cfg, seed=4, deterministic=True))


def test_deterministic_folder_pipeline(tmp_path):
    root = write_synthetic_dataset(tmp_path, "paired_folders", 6, 32)
    cfg = data_cfg(source=str(root), layout="paired_folders")
    assert _same(_batches(cfg, n=5, seed=1, deterministic=True), _batches(cfg, n=5, seed=1, deterministic=True))


def test_options_carry_the_determinism_flag():
    cfg = data_cfg()
    assert build_dataset(cfg, batch_size=1, deterministic=True).options().deterministic is True
    assert build_dataset(cfg, batch_size=1, deterministic=False).options().deterministic is False


def test_shuffle_permutes_the_file_list_and_keeps_every_file(tmp_path):
    root = write_synthetic_dataset(tmp_path, "aligned", 6, 16)
    cfg = exact(data_cfg(source=str(root), layout="aligned"))
    ordered = [e["A"].tobytes() for e in elements(cfg)]
    shuffled = [e["A"].tobytes() for e in elements(cfg, shuffle=True, seed=2)]
    assert sorted(ordered) == sorted(shuffled) and ordered != shuffled


def test_each_epoch_is_a_new_order_of_all_files():
    cfg = exact(data_cfg(**{"synthetic.num_images": 5}))
    ds = build_dataset(cfg, batch_size=5, shuffle=True, repeat=True, seed=0, deterministic=True)
    epochs = [b["B"].numpy() for b in ds.take(3)]
    keys = [[e.tobytes() for e in epoch] for epoch in epochs]
    assert all(sorted(k) == sorted(keys[0]) for k in keys)
    assert len({tuple(k) for k in keys}) > 1


def test_batching_and_remainder():
    cfg = data_cfg(**{"synthetic.num_images": 5})
    kept = list(build_dataset(cfg, batch_size=2, repeat=False, drop_remainder=False))
    dropped = list(build_dataset(cfg, batch_size=2, repeat=False))
    assert [b["A"].shape[0] for b in kept] == [2, 2, 1]
    assert [b["A"].shape[0] for b in dropped] == [2, 2]
    assert dropped[0]["A"].shape == (2, 32, 32, 3)


def test_static_shapes_for_keras():
    spec = build_dataset(data_cfg(layout="labels", use_instance=True), batch_size=4).element_spec
    assert spec["image"].shape == (4, 32, 32, 3) and spec["label"].shape == (4, 32, 32, 1)
    assert spec["instance"].dtype == tf.int32


def test_default_config_trains_on_synthetic_data():
    cfg = default_data_config()
    assert cfg.source == "synthetic" and cfg.load_size == 286 and cfg.crop_size == 256
    cfg.synthetic.num_images = 2
    batch = next(iter(build_dataset(cfg, batch_size=1)))
    assert batch["A"].shape == (1, 256, 256, 3)


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"layout": "pairs"}, "data.layout"),
        ({"direction": "AB"}, "data.direction"),
        ({"preprocess": "zoom"}, "data.preprocess"),
        ({"a_channels": 2}, "data.a_channels"),
        ({"load_size": 16, "crop_size": 32}, "data.load_size"),
        ({"layout": "labels", "num_classes": 4}, "9 classes"),
        ({"preprocess": "crop", "crop_size": 48}, "image too small"),
    ],
)
def test_bad_config_is_rejected(fields, words):
    with pytest.raises(DatasetError, match=words):
        build_dataset(data_cfg(**fields), batch_size=1)


def test_bad_batch_size():
    with pytest.raises(DatasetError, match="batch_size"):
        build_dataset(data_cfg(), batch_size=0)
