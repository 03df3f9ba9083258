"""Shared pytest set-up: quiet TF logs, fixed seeds, and where ../shared is."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _seed():
    import keras
    keras.utils.set_random_seed(0)
    yield
    keras.mixed_precision.set_global_policy("float32")


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; tests that need it skip when a fresh clone has none."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (reference fixtures/data live beside the repo, never in it)")
    return SHARED
