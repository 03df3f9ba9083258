"""The image sides a model can train on, derived from its networks so a config asking for another
is refused before anything is built (training/config_checks.py), not deep inside TensorFlow."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class SizeLimits:
    """Sides must be multiples of `multiple` and within [minimum, maximum] (maximum None: no bound);
    `reason` says which network sets the bounds, for the message."""

    multiple: int = 1
    minimum: int = 1
    maximum: int | None = None
    reason: str = ""

    def problem(self, side: int) -> str | None:
        """What is wrong with an image side, or None if the model accepts it."""
        if side % self.multiple:
            return f"must be a multiple of {self.multiple} (the generator's total downsampling)"
        because = f" ({self.reason})" if self.reason else ""
        if side < self.minimum:
            return f"must be at least {self.minimum}{because}"
        if self.maximum is not None and side > self.maximum:
            return f"must be at most {self.maximum}{because}"
        return None
