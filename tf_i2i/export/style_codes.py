"""The style codes tools/translate.py asks for (--variants, --style, --interpolate), for any model
with a style code: SPADE's VAE z, MUNIT's style codes, DRIT's attribute codes. Random codes come
from one seeded generator, so a checkpoint and its export give the same pixels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import tensorflow as tf

from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.images import read_image
from tf_i2i.models.spade.styles import interpolate_styles, sample_styles


class StyleSource(Protocol):
    """What style_codes needs of a translator: the code length (0: no style encoder), the channels
    of a style picture and the function from such pictures [1,h,w,C] in [-1, 1] to codes [1, z_dim]."""

    @property
    def z_dim(self) -> int: ...

    @property
    def style_channels(self) -> int: ...

    @property
    def style_code(self) -> Callable[[tf.Tensor], tf.Tensor] | None: ...


def style_code_of(source: StyleSource, path: str | Path) -> np.ndarray:
    """float32 [z_dim]: the style code of a picture file (any size its encoder runs on: a failed
    serving-time size check becomes an ExportInputError naming the file)."""
    picture = tensors.to_float(read_image(Path(path), source.style_channels))[None]
    try:
        code = source.style_code(picture)
    except tf.errors.InvalidArgumentError as err:
        reason = tensors.failed_check(err)
        if reason is None:
            raise
        raise ExportInputError(f"style picture {path}: {reason}") from err
    return np.asarray(code)[0]


def style_codes(source: StyleSource, variants: int = 1, styles: Sequence[str | Path] = (),
                interpolate: int = 0, seed: int = 0) -> dict[str, np.ndarray | None]:
    """Output-name suffix -> its style code: '' -> a random code (seeded), or the one --style picture's;
    '_v<i>' -> `variants` random codes; '_i<k>' -> `interpolate` codes from the first of two styles
    to the second. A model without a style encoder has only {'': None}."""
    if variants < 1 or interpolate < 0:
        raise ExportInputError(f"--variants must be at least 1 and --interpolate at least 0, "
                               f"got {variants} and {interpolate}")
    if not source.z_dim:
        if variants > 1 or styles or interpolate:
            raise ExportInputError("this model has no style encoder (a SPADE trained with use_vae=False): "
                                   "--variants, --style and --interpolate need one")
        return {"": None}
    if interpolate:
        if len(styles) != 2 or variants > 1:
            raise ExportInputError(f"--interpolate needs two --style photos (a.png,b.png) and no --variants, "
                                   f"got {len(styles)} styles")
        path = interpolate_styles(*(style_code_of(source, s) for s in styles), steps=interpolate)
        return {f"_i{k}": z for k, z in enumerate(path)}
    if styles:
        if len(styles) != 1 or variants > 1:
            raise ExportInputError("--style takes one photo (two with --interpolate) and no --variants: "
                                   "a photo is one style")
        return {"": style_code_of(source, styles[0])}
    codes = sample_styles(variants, source.z_dim, seed)
    return {"": codes[0]} if variants == 1 else {f"_v{i}": z for i, z in enumerate(codes)}
