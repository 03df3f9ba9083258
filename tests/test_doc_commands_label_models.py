"""The tools/ commands of docs/models/pix2pixhd.md, docs/models/spade.md run as written at a tiny size (tests/doc_commands.py says
which substitutions the harness makes), in document order: a documented command cannot silently break."""

from collections.abc import Iterator

import pytest

from tests.doc_commands import GROUPS, Pages, runnable_commands

COMMANDS = runnable_commands(GROUPS["label_models"])


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Iterator[Pages]:
    made = Pages(tmp_path_factory, COMMANDS)
    yield made
    made.close()


@pytest.mark.parametrize("cmd", COMMANDS, ids=str)
def test_documented_command_runs(cmd, pages):
    pages.run(cmd)
