"""The base of every error caused by what the user gave (a file, a flag, a config field), so the
tools print it as one line instead of a traceback."""

from __future__ import annotations


class UserError(ValueError):
    """Bad user input; the message names the file, flag or field and the problem."""


class ConfigError(UserError):
    """A config value (or an official option) that no network or loop can work with; the message
    names the field or option and what it accepts."""
