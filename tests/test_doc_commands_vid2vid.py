"""The tools/ commands of docs/models/vid2vid.md, run as written at a tiny size (tests/doc_commands.py
says which substitutions the harness makes), in document order: a documented command cannot silently break."""

from tests.doc_commands import page_tests

pages, test_documented_command_runs = page_tests("vid2vid")
