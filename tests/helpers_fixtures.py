"""Where an official-reference fixture is, for tests that skip when it is absent."""

from pathlib import Path

import pytest


def fixture_dir(shared_dir: Path, name: str) -> Path:
    """../shared/fixtures/<name>, or a skip naming it when its fixture.npz is absent."""
    path = shared_dir / "fixtures" / name
    if not (path / "fixture.npz").is_file():
        pytest.skip(f"{path} is absent")
    return path
