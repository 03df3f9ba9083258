"""Shared pytest set-up: quiet TF logs, fixed seeds, where ../shared is, and how test files are
shared out among pytest-xdist workers (pyproject.toml runs two)."""

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


# How pytest-xdist shares out the tests (pyproject.toml: two workers, --dist loadfile): each test
# file is one unit of work, so its module fixtures are made once. Files that use the same
# session-wide cache (a run folder or an export made once per process) are one unit together, so
# the cache is made once too; a file missing here only costs a second copy, never a failure.
SHARED_CACHES = {
    "test_export_savedmodel.py": "exported", "test_export_tflite.py": "exported",
    "test_export_spade.py": "spade_run", "test_translate_spade.py": "spade_run",
    "test_munit_export.py": "munit_run", "test_munit_translate.py": "munit_run",
    "test_drit_export.py": "drit_run", "test_drit_translate.py": "drit_run",
}
# Units of a minute or more (measured), handed out first so that the run does not end with one
# worker still busy on a long file while the other has nothing left; the rest keep their order.
LONG_FIRST = ("test_spade_model.py", "spade_run", "test_drit_training.py", "test_distributed_mirrored.py",
              "test_unit_tools.py", "munit_run", "test_drit_model.py", "test_munit_model.py")


def pytest_sessionfinish(session):
    """The tool host the session's tests shared (tests/tool_host.py) ends with the session."""
    from tests.tool_host import close_shared_host
    close_shared_host()


def _unit(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return SHARED_CACHES.get(Path(path).name, path)


def _rank(nodeid: str) -> int:
    name = Path(_unit(nodeid)).name
    return LONG_FIRST.index(name) if name in LONG_FIRST else len(LONG_FIRST)


def pytest_collection_modifyitems(config, items):
    """In an xdist worker: the long units first (every worker sorts alike, so collections agree)."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: _rank(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None  # another --dist given on the command line: xdist's own scheduler
    from xdist.scheduler import LoadScopeScheduling

    class FileUnits(LoadScopeScheduling):
        """--dist loadfile with SHARED_CACHES' files as one unit, units in collection order."""

        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # not by test count: a long file may hold few tests

        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return FileUnits(config, log)
