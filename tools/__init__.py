"""The command-line tools; a package so that their helpers (tools.fixtures) import by one name."""
