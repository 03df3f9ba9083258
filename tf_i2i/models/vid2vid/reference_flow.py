"""Where the reference (teacher) flow can be trusted: the official FlowNet wrapper's confidence map."""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.layers.flow_warp import warp

CONFIDENCE_THRESHOLD = 0.02  # on the squared warp error summed over RGB, images in [-1, 1]


def flow_confidence(frame: tf.Tensor, previous: tf.Tensor, flow: tf.Tensor, align_corners: bool = True) -> tf.Tensor:
    """[..., H, W, 1] float 1 where the previous frame warped by the flow matches the frame
    (sum over channels of the squared difference < 0.02, official compute_flow_and_conf), else 0.
    frame / previous [..., H, W, C] in [-1, 1], flow [..., H, W, 2] from frame to previous."""
    shape = tf.shape(frame)
    flat = lambda x: tf.reshape(tf.cast(x, tf.float32), tf.concat([[-1], tf.shape(x)[-3:]], 0))  # noqa: E731
    warped = warp(flat(previous), flat(flow), align_corners)
    error = tf.reduce_sum(tf.square(flat(frame) - warped), axis=-1, keepdims=True)
    confident = tf.cast(error < CONFIDENCE_THRESHOLD, tf.float32)
    return tf.reshape(confident, tf.concat([shape[:-1], [1]], 0))
