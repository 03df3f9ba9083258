"""Helpers shared by the data tests (this module holds no tests)."""

from __future__ import annotations

from pathlib import Path

import ml_collections
import numpy as np
import pytest

from tests.conftest import SHARED
from tf_i2i.data import DatasetError, build_dataset, default_data_config, write_synthetic_dataset

SHARED_DATA = SHARED / "data"


def shared_path(relative: str) -> Path:
    """A folder of the read-only reference samples, or skip the test when they are not mounted."""
    path = SHARED_DATA / relative
    if not path.is_dir():
        pytest.skip(f"reference sample data not available: {path} (../shared beside the repo is absent)")
    return path


def data_cfg(**fields) -> ml_collections.ConfigDict:
    """A small, fast data config; ``fields`` use dotted names, e.g. ``**{"synthetic.num_images": 4}``."""
    cfg = default_data_config()
    cfg.update_from_flattened_dict(
        {
            "synthetic.num_images": 6,
            "synthetic.image_size": 32,
            "load_size": 40,
            "crop_size": 32,
            "num_parallel_calls": 2,
        }
    )
    cfg.update_from_flattened_dict(fields)
    return cfg


def elements(cfg: ml_collections.ConfigDict, **kwargs) -> list[dict[str, np.ndarray]]:
    """One pass over the data set, unbatched, in file order unless told otherwise."""
    options = {"batch_size": 1, "shuffle": False, "repeat": False, "deterministic": True, **kwargs}
    return [{k: v[0].numpy() for k, v in batch.items()} for batch in build_dataset(cfg, **options)]


def exact(cfg: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
    """Same config without any resizing, cropping or flipping, so pixels can be compared to files."""
    cfg.preprocess, cfg.flip = "none", False
    return cfg


def fails_validation(root: Path, layout: str, *words: str, **fields) -> str:
    """Assert build_dataset rejects the folder; every word must appear in the message, which is returned."""
    with pytest.raises(DatasetError) as err:
        build_dataset(data_cfg(source=str(root), layout=layout, **fields), batch_size=1)
    message = str(err.value)
    for word in words:
        assert word in message, f"{word!r} not in: {message}"
    return message


@pytest.fixture
def paired(tmp_path) -> Path:
    """A paired_folders set of 3 samples, 16 px (tests that use it import it)."""
    return write_synthetic_dataset(tmp_path / "paired", "paired_folders", 3, 16)


@pytest.fixture
def labels(tmp_path) -> Path:
    """A labels set of 2 samples, 16 px, with instance maps."""
    return write_synthetic_dataset(tmp_path / "labels", "labels", 2, 16)
