"""Image files in and out of translation: listing, decoding to the model's channels, resizing, PNG."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from tf_i2i import atomic
from tf_i2i.data.decode import match_channels
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import list_images
from tf_i2i.models.serving.errors import ExportInputError


def list_inputs(path: str | Path) -> list[Path]:
    """[path] for a file, the sorted images of a folder; an error if missing, empty or stems collide."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.exists():
        raise ExportInputError(f"input {path} does not exist")
    try:
        files = list_images(path)
    except DatasetError as err:
        raise ExportInputError(str(err)) from err
    seen: dict[str, Path] = {}
    for file in files:
        if file.stem in seen:
            raise ExportInputError(f"{seen[file.stem]} and {file} would both be written as {file.stem}.png")
        seen[file.stem] = file
    return files


def read_image(path: Path, channels: int) -> tf.Tensor:
    """uint8 [H, W, channels]: grey becomes RGB (or RGB grey) and alpha is dropped to fit the model."""
    try:
        image = tf.io.decode_image(tf.io.read_file(str(path)), expand_animations=False)
    except tf.errors.OpError as err:
        reason = err.message.split("}}")[-1].split("[Op:")[0].strip()  # drop TF's op/device framing
        raise ExportInputError(f"cannot read image {path}: {reason}") from err
    return match_channels(image, channels)


def resize_uint8(image: tf.Tensor, height: int, width: int) -> tf.Tensor:
    """Antialiased bilinear resize of a uint8 [H, W, C] image, rounded back to uint8."""
    resized = tf.image.resize(tf.cast(image, tf.float32), [height, width], antialias=True)
    return tf.cast(tf.round(tf.clip_by_value(resized, 0.0, 255.0)), tf.uint8)


def write_png(path: Path, image: tf.Tensor) -> None:
    """Writes the PNG whole or not at all (tf_i2i.atomic)."""
    atomic.write_bytes(path, tf.io.encode_png(image).numpy())
