"""vid2vid's input builders: frames stacked along channels oldest first, label encoding, the
foreground mask, and the temporal discriminators' frame groups and inputs (official
get_skipped_frames and compute_loss_D_T), checked on frames whose values are their time index."""

import numpy as np

from tf_i2i.models.vid2vid import (encode_label_frames, foreground_mask, skipped_frames, stack_frames,
                                   temporal_discriminator_input)


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


def test_skipped_frames_group_k_frames_k_power_s_apart_ending_at_the_new_frames():
    frames = _timeline(18)
    history, groups = skipped_frames(frames[:, :14], frames[:, 14:], n_scales=3, n_frames_d=3)
    times = [None if g is None else (np.asarray(g)[:, :, 0, 0, 0] / 10).astype(int).tolist() for g in groups]
    assert times[0] == [[15, 16, 17], [12, 13, 14]]  # groups step back K = 3 frames
    assert times[1] == [[11, 14, 17], [8, 11, 14]]  # frames 3 apart
    assert times[2] is None  # 9 apart needs 19 frames
    assert history.shape[1] == 18  # K**(scales-1) * (K-1) frames are kept for the next chunk
    history, _ = skipped_frames(history, _timeline(2) + 180, n_scales=2, n_frames_d=3)  # frames 18, 19
    np.testing.assert_array_equal(np.asarray(history)[0, :, 0, 0, 0], [140, 150, 160, 170, 180, 190])


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
