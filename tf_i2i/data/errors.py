"""The single error type of the data package, so callers can catch bad data in one place."""

from __future__ import annotations


class DatasetError(ValueError):
    """A dataset or data config is unusable; the message names the file (or field) and the problem."""
