"""Image-size rules of the generators: H and W must be multiples of the generator's size_multiple."""

from __future__ import annotations

import math

from tf_i2i.models.serving.errors import ExportInputError

# Smallest side every registered generator can run at (ResNet's reflect padding needs >= 2 px after
# its two stride-2 convs); used only to create variables before a restore.
MIN_BUILD_SIDE = 32


def check_multiple(height: int, width: int, multiple: int, what: str) -> None:
    """Raises ExportInputError unless height and width are positive multiples of `multiple`."""
    if height <= 0 or width <= 0 or height % multiple or width % multiple:
        raise ExportInputError(
            f"{what}: height and width must be positive multiples of {multiple} (the generator's "
            f"total downsampling), got {height}x{width}; nearest valid size is "
            f"{nearest_multiple(height, multiple)}x{nearest_multiple(width, multiple)}")


def nearest_multiple(n: int, multiple: int) -> int:
    """The multiple of `multiple` closest to n, at least `multiple` itself."""
    return max(multiple, multiple * round(n / multiple))


def build_side(multiple: int) -> int:
    """A side length that is a multiple of `multiple` and large enough for any generator to run."""
    return multiple * math.ceil(MIN_BUILD_SIDE / multiple)
