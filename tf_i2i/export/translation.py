"""Translate image files with a generator from a checkpoint or an exported SavedModel.

Both sources become the same uint8-in/uint8-out function (Endpoint.uint8_fn), so the two modes of
tools/translate.py give the same pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

import tensorflow as tf

from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.images import read_image, resize_uint8, write_png
from tf_i2i.export.info import SAVED_MODEL_DIR, read_endpoint
from tf_i2i.models.serving.sizes import check_multiple, nearest_multiple
from tf_i2i.export.workdir import load_trained_model

RESIZE_MODES = ("multiple", "none")


@dataclasses.dataclass(frozen=True)
class Translator:
    """A uint8 NHWC -> uint8 NHWC function with the channel count and size rule of its generator."""

    fn: Callable[[tf.Tensor], tf.Tensor]
    input_channels: int
    size_multiple: int


def translator_from_workdir(workdir: str | Path, endpoint: str = "serve") -> Translator:
    """The restored generator of a run folder behind `endpoint` (serve, or serve_b2a for CycleGAN)."""
    endpoints = {e.name: e for e in load_trained_model(workdir).export_endpoints()}
    if endpoint not in endpoints:
        raise ExportInputError(f"endpoint {endpoint!r} not in this model; available: {sorted(endpoints)}")
    e = endpoints[endpoint]
    if e.input_names != ("image",):
        raise ExportInputError(f"endpoint {endpoint!r} takes {list(e.input_names)}, not one image")
    fn = tf.function(e.uint8_fn(), input_signature=list(e.uint8_inputs()))
    return Translator(fn, int(e.inputs[0].shape[-1]), e.size_multiple)


def saved_model_folder(path: str | Path) -> Path:
    """`path` if it is a SavedModel folder, or the SavedModel inside an export folder; else an error."""
    path = Path(path)
    if (path / SAVED_MODEL_DIR / "saved_model.pb").is_file():
        path = path / SAVED_MODEL_DIR
    if not (path / "saved_model.pb").is_file():
        raise ExportInputError(f"{path} is not a SavedModel folder (no saved_model.pb)")
    return path


def translator_from_saved_model(saved_model_dir: str | Path, endpoint: str = "serve") -> Translator:
    """The `<endpoint>_uint8` endpoint of an exported SavedModel (size rule from export_info.json).

    `saved_model_dir` may also be the export folder that holds the SavedModel.
    """
    saved_model_dir = saved_model_folder(saved_model_dir)
    info = read_endpoint(saved_model_dir, endpoint)
    if info.input_channels is None:
        raise ExportInputError(f"endpoint {endpoint!r} takes {[s.name for s in info.inputs]}, not one image")
    loaded = tf.saved_model.load(str(saved_model_dir))
    if not hasattr(loaded, info.uint8_name):
        raise ExportInputError(f"SavedModel {saved_model_dir} has no endpoint {info.uint8_name!r}")
    # The lambda keeps `loaded` alive: its variables are freed with it.
    return Translator(lambda images: getattr(loaded, info.uint8_name)(images),
                      info.input_channels, info.size_multiple)


def translate_image(translator: Translator, image: tf.Tensor, resize: str, name: str) -> tf.Tensor:
    """uint8 [H, W, C] -> uint8 [H, W, C_out].

    resize='multiple' resizes to the nearest valid size and the result back to H x W;
    resize='none' requires H and W to be multiples already (`name` labels the error).
    """
    if resize not in RESIZE_MODES:
        raise ExportInputError(f"unknown resize mode {resize!r}; expected one of {RESIZE_MODES}")
    height, width = int(image.shape[0]), int(image.shape[1])
    m = translator.size_multiple
    if resize == "none":
        check_multiple(height, width, m, name)
    size = (nearest_multiple(height, m), nearest_multiple(width, m))
    same = size == (height, width)
    out = translator.fn(tf.expand_dims(image if same else resize_uint8(image, *size), 0))[0]
    return out if same else resize_uint8(out, height, width)


def translate_files(translator: Translator | Mapping[str, Translator], files: list[Path], outdir: str | Path,
                    resize: str = "multiple", on_done: Callable[[int, Path], None] | None = None) -> list[Path]:
    """Writes outdir/<stem>.png for every file, or outdir/<stem><suffix>.png for each entry of a
    {suffix: translator} mapping (one input, several outputs: MUNIT's style codes); calls
    on_done(count, written) after each one."""
    variants = translator if isinstance(translator, Mapping) else {"": translator}
    channels = {t.input_channels for t in variants.values()}
    if len(channels) != 1:
        raise ValueError(f"the translators of one input take different channel counts: {sorted(channels)}")
    (input_channels,) = channels
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        image = read_image(file, input_channels)
        for suffix, variant in variants.items():
            out = translate_image(variant, image, resize, str(file))
            path = outdir / f"{file.stem}{suffix}.png"
            write_png(path, out)
            written.append(path)
            if on_done is not None:
                on_done(len(written), path)
    return written
