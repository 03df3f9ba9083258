"""The single error type of the data package, so callers can catch bad data in one place."""

from __future__ import annotations

from tf_i2i.errors import UserError


class DatasetError(UserError):
    """A dataset or data config is unusable; the message names the file (or field) and the problem."""
