"""File decoding and pixel conversions of the tf.data map functions; validation decodes with the same
functions (on the bytes it read), so a file that passed validation decodes in training."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.data.labels import from_ade20k


def decode_image(data: tf.Tensor) -> tf.Tensor:
    """uint8 [H, W, C] with the file's own channel count (PNG/JPEG/BMP/GIF/WebP; 16-bit PNG scaled to 8)."""
    return tf.io.decode_image(data, expand_animations=False)


def decode_label(data: tf.Tensor) -> tf.Tensor:
    """int32 [H, W, 1] class ids of an 8-bit single-channel label map."""
    return tf.cast(tf.io.decode_image(data, channels=1, expand_animations=False), tf.int32)


def decode_ade20k_label(data: tf.Tensor) -> tf.Tensor:
    """int32 [H, W, 1] ids of an ADE20K annotation, shifted as SPADE does (see labels.from_ade20k)."""
    return from_ade20k(decode_label(data))


def decode_instance(data: tf.Tensor) -> tf.Tensor:
    """int32 [H, W, 1] instance ids of an 8- or 16-bit PNG, values kept as stored.

    decode_png(dtype=uint16) rescales 8-bit files (x257), so the PNG bit depth (byte 24 of the
    IHDR chunk) picks the decoder.
    """
    depth = tf.io.decode_raw(tf.strings.substr(data, 24, 1), tf.uint8)[0]
    return tf.cond(
        depth == 16,
        lambda: tf.cast(tf.io.decode_png(data, channels=1, dtype=tf.uint16), tf.int32),
        lambda: tf.cast(tf.io.decode_png(data, channels=1), tf.int32),
    )


def read_instance(path: tf.Tensor) -> tf.Tensor:
    """decode_instance of the file at ``path``."""
    return decode_instance(tf.io.read_file(path))


def split_aligned(image: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Left and right halves of an A|B side-by-side image."""
    half = tf.shape(image)[1] // 2
    return image[:, :half], image[:, half : 2 * half]


def to_float(image: tf.Tensor) -> tf.Tensor:
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def match_channels(image: tf.Tensor, channels: int) -> tf.Tensor:
    """Convert [..., C] pictures to 1 or 3 channels: grey -> RGB by copying, RGB -> grey by ITU-R 601 luma,
    alpha dropped.

    Inputs with 2 channels never get here: validation rejects them (an opaque alpha is the only
    alpha that is dropped, see validate.py).
    """
    if channels == 3:
        from_rgb, from_grey = (lambda: image[..., :3]), (lambda: tf.repeat(image[..., :1], 3, axis=-1))
    else:
        from_rgb, from_grey = (lambda: tf.image.rgb_to_grayscale(image[..., :3])), (lambda: image[..., :1])
    known = image.shape[-1]
    if known is not None:
        out = from_rgb() if known >= 3 else from_grey()
    else:
        out = tf.cond(tf.shape(image)[-1] >= 3, from_rgb, from_grey)
    return tf.ensure_shape(out, out.shape[:-1].concatenate([channels]))
