"""The 'z' input of a model with codes (SPADE's style code, MUNIT's style code, DRIT's attribute
code): random ones (--variants, --seed), a reference picture's (--style) or the path between two
references' (--interpolate). Random codes come from one seeded generator, so a checkpoint and its
export give the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tf_i2i.models.codes import interpolate_styles, sample_styles
from tf_i2i.models.serving.errors import ExportInputError


def choose_codes(code_of: Callable[[str], np.ndarray], z_dim: int, variants: int = 1,
                 styles: Sequence[str] = (), interpolate: int = 0, seed: int = 0) -> dict[str, np.ndarray]:
    """Output-name suffix -> its code [z_dim]: '' -> a random code (seeded), or the one --style
    picture's (`code_of(path)`); '_v<i>' -> `variants` random codes; '_i<k>' -> `interpolate` codes
    from the first of two styles to the second."""
    if variants < 1 or interpolate < 0:
        raise ExportInputError(f"--variants must be at least 1 and --interpolate at least 0, "
                               f"got {variants} and {interpolate}")
    if interpolate:
        if len(styles) != 2 or variants > 1:
            raise ExportInputError(f"--interpolate needs two --style pictures (a.png,b.png) and no --variants, "
                                   f"got {len(styles)} styles")
        path = interpolate_styles(*(code_of(s) for s in styles), steps=interpolate)
        return {f"_i{k}": z for k, z in enumerate(path)}
    if styles:
        if len(styles) != 1 or variants > 1:
            raise ExportInputError("--style takes one picture (two with --interpolate) and no --variants: "
                                   "a picture is one style")
        return {"": code_of(styles[0])}
    codes = sample_styles(variants, z_dim, seed)
    return {"": codes[0]} if variants == 1 else {f"_v{i}": z for i, z in enumerate(codes)}
