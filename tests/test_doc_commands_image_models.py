"""The tools/ commands of docs/models/pix2pix.md, docs/models/cyclegan.md, docs/models/munit.md, docs/models/unit.md run as written at a tiny size (tests/doc_commands.py says
which substitutions the harness makes), in document order: a documented command cannot silently break."""

from tests.doc_commands import page_tests

pages, test_documented_command_runs = page_tests("image_models")
