"""The vid2vid sequence-length schedule and frame sampling, against values worked out by hand from the
official update_training_batch and get_video_params."""

from __future__ import annotations

import numpy as np
import pytest

from tf_i2i.data.video.schedule import FrameCount, frame_count, plan_group, sample_frames, scheduled_frames


class LastChoice:
    """A Generator stand-in that records the bounds it is asked for and picks the largest value."""

    def __init__(self):
        self.bounds = []

    def integers(self, n):
        self.bounds.append(n)
        return n - 1


@pytest.mark.parametrize(
    "step, n_frames_total, niter_step, longest, expected",
    [
        (0, 4, 5, 60, 4),  # cap min(128, 60) - 2 = 58
        (4, 4, 5, 60, 4),
        (5, 4, 5, 60, 8),  # one doubling after niter_step steps
        (14, 4, 5, 60, 16),
        (20, 4, 5, 60, 58),  # 4 * 16 = 64 > 58
        (10**9, 4, 5, 60, 58),
        (25, 4, 5, 200, 126),  # 4 * 32 = 128 > min(128, 200) - 2
        (10**6, 4, 0, 60, 4),  # niter_step 0: never grows
        (50, 30, 5, 20, 30),  # 30 >= cap 18: update_training_batch leaves it (get_video_params clamps later)
    ],
)
def test_scheduled_frames_doubles_every_niter_step_up_to_the_cap(step, n_frames_total, niter_step, longest, expected):
    assert scheduled_frames(step, n_frames_total, niter_step, longest, n_frames_G=3) == expected


@pytest.mark.parametrize(
    "n_frames, seq_len, per_step, expected",
    [
        (30, 20, 4, FrameCount(18, 4, 4)),  # min(30, 20 - 2) = 18 -> 4 loads of 4 + 2 previous frames
        (30, 100, 4, FrameCount(30, 4, 7)),  # 30 // 4 = 7 loads: 28 + 2
        (2, 100, 4, FrameCount(4, 2, 1)),  # fewer frames than one load: one load of 2
        (8, 100, 1, FrameCount(10, 1, 8)),
    ],
)
def test_frame_count_rounds_to_whole_loads(n_frames, seq_len, per_step, expected):
    assert frame_count(n_frames, seq_len, n_frames_G=3, max_frames_per_step=per_step) == expected


def test_sample_frames_uses_the_official_bounds():
    rng = LastChoice()
    # t_step in [1, min(5, 19 // 9 = 2)]; the largest is 2; start < max(1, 20 - 9 * 2) = 2
    np.testing.assert_array_equal(sample_frames(10, 20, 5, rng), 1 + 2 * np.arange(10))
    assert rng.bounds == [2, 2]
    rng = LastChoice()
    np.testing.assert_array_equal(sample_frames(10, 20, 1, rng), 10 + np.arange(10))  # start < 20 - 9
    assert rng.bounds == [1, 11]


def test_sample_frames_reaches_every_allowed_stride_and_start():
    rng = np.random.default_rng(0)
    seen = {tuple(sample_frames(10, 20, 5, rng)[:2]) for _ in range(400)}
    expected = {(s, s + 1) for s in range(11)} | {(s, s + 2) for s in range(2)}  # (start, start + t_step)
    assert seen == expected


def test_plan_group_gives_every_row_the_frame_count_of_the_shortest():
    rng = np.random.default_rng(1)
    for _ in range(20):
        frames = plan_group([20, 9, 40], n_frames=30, n_frames_G=3, max_frames_per_step=2, max_t_step=3, rng=rng)
        assert frames.shape == (3, 8)  # min(30, 9 - 2) = 7 -> 3 loads of 2 + 2
        assert (frames[:, -1] < [20, 9, 40]).all() and (frames >= 0).all()
        np.testing.assert_array_equal(frames[1], frames[1, 0] + np.arange(8))  # 8 // 7 = 1: stride 1 only
        strides = np.diff(frames, axis=1)
        assert (strides == strides[:, :1]).all()
