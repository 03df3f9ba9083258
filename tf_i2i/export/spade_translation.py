"""Translate label maps (+ instance maps) with SPADE from a checkpoint or an exported SavedModel:
random styles (multimodal synthesis), a photo's style, or the looks between two photos' styles.

Both sources become the same two float functions, the 'serve' endpoint (label, [instance], [z] ->
image) and 'style_code' (photo -> z), and the random codes come from one seeded generator, so the
two modes of tools/translate.py give the same pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import tensorflow as tf

from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.images import write_png
from tf_i2i.export.info import read_endpoint, read_info
from tf_i2i.export.label_translation import read_ids, read_instance_of, resize_ids
from tf_i2i.export.style_codes import style_codes  # noqa: F401 (kept importable from here)
from tf_i2i.export.translation import saved_model_folder
from tf_i2i.export.workdir import load_trained_model


@dataclasses.dataclass(frozen=True)
class StyleTranslator:
    """`serve(*inputs)` -> float image [-1, 1] of `size`; inputs named label, [instance], [z].
    `style_code(photo [1,h,w,C] in [-1, 1])` -> z [1, z_dim], None without a style encoder."""

    serve: Callable[..., tf.Tensor]
    style_code: Callable[[tf.Tensor], tf.Tensor] | None
    inputs: tuple[tf.TensorSpec, ...]
    size: tuple[int, int]
    style_channels: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs)

    @property
    def z_dim(self) -> int:
        """Length of the style code, 0 without a style encoder."""
        return int(self.inputs[-1].shape[-1]) if self.names[-1] == "z" else 0


def spade_translator_from_workdir(workdir: str | Path) -> StyleTranslator:
    """The restored SPADE of a run folder, through the endpoints it would export."""
    endpoints = {e.name: e for e in load_trained_model(workdir).export_endpoints()}
    serve, code = endpoints["serve"], endpoints.get("style_code")
    traced = [None if e is None else tf.function(e.checked_fn(), input_signature=list(e.inputs))
              for e in (serve, code)]
    return StyleTranslator(traced[0], traced[1], serve.inputs, serve.size,
                           0 if code is None else int(code.inputs[0].shape[-1]))


def spade_translator_from_saved_model(saved_model_dir: str | Path) -> StyleTranslator:
    """An exported SPADE: its serve and style_code endpoints, the size from export_info.json."""
    saved_model_dir = saved_model_folder(saved_model_dir)
    serve = read_endpoint(saved_model_dir, "serve")
    has_code = "style_code" in read_info(saved_model_dir)["endpoints"]
    code = read_endpoint(saved_model_dir, "style_code") if has_code else None
    loaded = tf.saved_model.load(str(saved_model_dir))
    # The lambdas keep `loaded` alive: its variables are freed with it.
    return StyleTranslator(lambda *args: loaded.serve(*args),
                           None if code is None else lambda style: loaded.style_code(style), serve.inputs,
                           tuple(serve.extra["size"]), 0 if code is None else int(code.inputs[0].shape[-1]))


def translate_spade_files(translator: StyleTranslator, files: list[Path], instances: dict[Path, Path],
                          outdir: str | Path, codes: dict[str, np.ndarray | None],
                          on_done: Callable[[int, Path], None] | None = None) -> list[Path]:
    """Writes outdir/<stem><suffix>.png per label map and style code (style_codes) at the model's output
    size; label and instance maps of another size are resized to it by nearest neighbour. Calls
    on_done(count, written) after each file written."""
    needs_instance = "instance" in translator.names
    if needs_instance and not instances:
        raise ExportInputError("this model needs instance maps: pass --instance")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        label = read_ids(file, "label map")
        maps = {"label": label, "instance": read_instance_of(label, file, instances) if needs_instance else None}
        args = [resize_ids(maps[name], translator.size)[None] for name in translator.names if name != "z"]
        for suffix, z in codes.items():
            out = translator.serve(*args, *([] if z is None else [tf.constant(z[None])]))
            path = outdir / f"{file.stem}{suffix}.png"
            write_png(path, tensors.to_uint8(out)[0])
            written.append(path)
            if on_done is not None:
                on_done(len(written), path)
    return written
