"""The one error type for bad user input to export/translate, so the tools can print it without a traceback."""

from __future__ import annotations

from tf_i2i.errors import UserError


class ExportInputError(UserError):
    """A size, file, folder, endpoint or run folder is unusable; the message names it and the problem."""
