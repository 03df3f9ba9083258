"""vid2vid's input builders: frames stacked along channels oldest first, label encoding, the
foreground mask, and the temporal discriminators' frame groups and inputs (official
get_skipped_frames and compute_loss_D_T) from a fixed-size history buffer, checked on frames whose values are their time index."""

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.models.vid2vid import (encode_label_frames, foreground_mask, stack_frames, temporal_discriminator_input,
                                   temporal_groups)
from tf_i2i.models.vid2vid.temporal import append_frames, history_length, newest


def _timeline(n: int, channels: int = 1) -> np.ndarray:
    """[1, n, 2, 2, channels] frames whose every pixel holds 10 * t + c."""
    values = 10 * np.arange(n)[:, None] + np.arange(channels)[None, :]
    return np.broadcast_to(values[None, :, None, None, :], (1, n, 2, 2, channels)).astype(np.float32)


def test_stack_frames_puts_the_oldest_frame_first():
    stacked = np.asarray(stack_frames(_timeline(3, 2)))
    np.testing.assert_array_equal(stacked[0, 0, 0], [0, 1, 10, 11, 20, 21])


def test_temporal_input_is_frames_then_flows_over_20():
    frames, flows = _timeline(3, 3), _timeline(2, 2) + 100
    x = np.asarray(temporal_discriminator_input(frames, flows))
    np.testing.assert_allclose(x[0, 1, 1], [0, 1, 2, 10, 11, 12, 20, 21, 22, 5, 5.05, 5.5, 5.55])


def _times(groups) -> list[list[int]]:
    return (np.asarray(groups)[:, :, 0, 0, 0] / 10).astype(int).tolist()


def test_temporal_groups_are_k_frames_k_power_s_apart_ending_at_the_new_frames():
    frames = _timeline(18)  # a buffer of 14 history frames + 4 new ones, all of the sequence
    groups, inside = temporal_groups(frames, tf.constant(18), n_new=4, scale=0, n_frames_d=3)
    assert _times(groups) == [[15, 16, 17], [12, 13, 14]]  # groups step back K = 3 frames
    groups, inside = temporal_groups(frames, tf.constant(18), n_new=4, scale=1, n_frames_d=3)
    assert _times(groups) == [[11, 14, 17], [8, 11, 14]]  # frames 3 apart
    assert np.asarray(inside).tolist() == [True, True]
    _, inside = temporal_groups(frames, tf.constant(7), n_new=4, scale=1, n_frames_d=3)
    assert np.asarray(inside).tolist() == [True, False]  # 7 frames of the sequence: the 2nd group starts before it


def test_history_keeps_the_newest_frames_and_counts_those_of_the_sequence():
    history = _timeline(6)
    frames, filled = append_frames(history, _timeline(2) + 60, tf.constant(0))  # a sequence starts
    assert int(filled) == 2
    kept, filled = newest(frames, filled, history_length(2, 3))
    np.testing.assert_array_equal(np.asarray(kept)[0, :, 0, 0, 0], [20, 30, 40, 50, 60, 70])
    assert int(filled) == 2
    with pytest.raises(ValueError, match="cannot hold a group of scale 2"):
        temporal_groups(kept, filled, n_new=1, scale=2, n_frames_d=3)


def test_label_encoding_one_hot_plus_instance_edges_and_images_as_they_are():
    labels = np.zeros((1, 2, 3, 4, 1), np.int32)
    labels[:, 1, :, 2:] = 2
    inst = labels.astype(np.int64) * 1000
    inst[:, 0, 0, 0] = 7
    encoded = np.asarray(encode_label_frames(labels, 3, inst))
    assert encoded.shape == (1, 2, 3, 4, 4)
    np.testing.assert_array_equal(encoded[0, 1, 0, :, :3], [[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(encoded[0, 1, :, :, 3], [[0, 1, 1, 0]] * 3)  # both sides of the boundary
    np.testing.assert_array_equal(encoded[0, 0, :2, :2, 3], [[1, 1], [1, 0]])
    images = np.random.default_rng(0).uniform(-1, 1, (1, 2, 3, 4, 3)).astype(np.float32)
    np.testing.assert_array_equal(encode_label_frames(images, 0), images)


def test_foreground_mask_is_the_clamped_sum_of_the_foreground_channels():
    frame = np.zeros((1, 2, 2, 5), np.float32)
    frame[0, 0, 0, 1] = frame[0, 0, 0, 3] = 1  # two foreground channels on one pixel: still 1
    frame[0, 1, 1, 3] = 1
    frame[0, 1, 0, 2] = 1  # a background class
    np.testing.assert_array_equal(np.asarray(foreground_mask(frame, [1, 3]))[0, ..., 0], [[1, 0], [0, 1]])


def test_label_encoding_under_mixed_bfloat16():
    import keras
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # conftest restores float32
    labels = np.zeros((1, 2, 4, 4, 1), np.int32)
    encoded = encode_label_frames(labels, 3, labels + 1)
    assert encoded.dtype == tf.float32 and encoded.shape == (1, 2, 4, 4, 4)
