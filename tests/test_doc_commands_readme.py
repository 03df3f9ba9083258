"""The tools/ commands of README.md, docs/converting.md, docs/development.md and
docs/adding-a-model.md run as written at a tiny size (tests/doc_commands.py says which substitutions
the harness makes), in document order; and every page's commands are either run by one of the
tests/test_doc_commands_*.py files or listed as templates."""

from tests.doc_commands import DOCS, GROUPS, TEMPLATES, TOOLS, page_commands, page_tests, raw_command_count

pages, test_documented_command_runs = page_tests("readme")


def test_every_page_with_tool_commands_is_run_by_one_group():
    grouped = [doc for docs in GROUPS.values() for doc in docs]
    assert len(grouped) == len(set(grouped))
    assert {doc for doc in DOCS if page_commands(doc)} <= set(grouped)


def test_the_parser_finds_every_command_of_known_tools():
    commands = [cmd for doc in DOCS for cmd in page_commands(doc)]
    assert len(commands) == raw_command_count() >= 80
    assert {cmd.tool for cmd in commands} <= set(TOOLS)


def test_placeholders_are_exactly_the_listed_templates():
    """A new placeholder (or a template that stopped being one) is a deliberate change of TEMPLATES."""
    commands = {cmd.text for doc in DOCS for cmd in page_commands(doc)}
    placeholders = {text for text in commands if "<" in text or "..." in text}
    assert placeholders <= TEMPLATES
    assert TEMPLATES <= commands
