"""Backward warping of an image by a dense optical flow in pixels (vid2vid, Wang et al. 2018, Eq. 2:
the previous frame warped to the current one), as the official `resample` + `grid_sample` do it."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers.bilinear import sample_bilinear


def _source_coords(pixel: tf.Tensor, size: tf.Tensor, flow: tf.Tensor, align_corners: bool) -> tf.Tensor:
    """Sampling position (pixels, float32) along one axis of length `size`, for the pixel indices
    `pixel` (broadcast against `flow`, the flow along that axis).

    The official code adds flow / ((size - 1) / 2) to a linspace(-1, 1) grid; grid_sample then maps
    -1..1 back to pixels: with align_corners=True to 0..size-1 (position = pixel + flow), with
    align_corners=False to -0.5..size-0.5 (position = (pixel + flow) * size / (size - 1) - 0.5).
    Border padding clips the position to [0, size - 1]."""
    n = tf.cast(size, tf.float32)
    pos = pixel + flow
    if not align_corners:
        pos = pos * n / tf.maximum(n - 1.0, 1.0) - 0.5
    return tf.clip_by_value(pos, 0.0, n - 1.0)


def warp(image: tf.Tensor, flow: tf.Tensor, align_corners: bool = True) -> tf.Tensor:
    """Samples `image` [B, H, W, C] at pixel + `flow` [B, H, W, 2] (channel 0 = x, 1 = y, pixels).

    Bilinear, border padding (positions outside the image clip to the edge pixels), the
    align-corners pixel grid by default (pixel centres at integer positions 0..size-1). Built from
    floor, clip and flat gathers only, so it converts to TFLite builtins; the gradient reaches the
    flow through the bilinear weights and the image through the gathers, as torch's grid_sample."""
    dtype = image.dtype
    image = tf.cast(image, tf.float32)
    flow = tf.cast(flow, tf.float32)
    shape = tf.shape(image)
    h, w = shape[1], shape[2]
    cols = tf.reshape(tf.range(tf.cast(w, tf.float32)), [1, 1, -1])
    rows = tf.reshape(tf.range(tf.cast(h, tf.float32)), [1, -1, 1])
    x = _source_coords(cols, w, flow[..., 0], align_corners)  # [B, H, W]
    y = _source_coords(rows, h, flow[..., 1], align_corners)
    return tf.cast(sample_bilinear(image, y, x), dtype)


@keras.saving.register_keras_serializable(package="tf_i2i")
class FlowWarp(keras.layers.Layer):
    """call(image [B,H,W,C], flow [B,H,W,2]) -> image backward-warped by the flow (see `warp`).

    The flow is in pixels, channel 0 = x (width), 1 = y (height): output(p) = image(p + flow(p)),
    bilinear, border padding. align_corners=True is the pixel grid the official vid2vid code was
    written for (torch < 1.3); align_corners=False is what the same code computes under torch >= 1.3,
    whose grid_sample default changed (positions scaled by size / (size - 1) and shifted by half a
    pixel). Computed in float32, returned in the layer's compute dtype."""

    def __init__(self, align_corners: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.align_corners = align_corners

    def call(self, image, flow):
        return tf.cast(warp(image, flow, self.align_corners), self.compute_dtype)

    def compute_output_shape(self, image_shape, flow_shape=None):
        return tuple(image_shape)

    def get_config(self):
        return {**super().get_config(), "align_corners": self.align_corners}
