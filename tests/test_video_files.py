"""Video files in and out (tf_i2i.data.video.video_files): OpenCV decoding and an atomic mp4v writer."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers_data import shared_path
from tf_i2i.data import DatasetError
from tf_i2i.data.video import video_files
from tf_i2i.data.video.video_files import read_video, write_video


def _gradient(n: int, height: int, width: int) -> np.ndarray:
    y, x = np.mgrid[:height, :width]
    return np.stack([np.stack([(x * 4 + 16 * t) % 256, y * 4, np.full_like(x, 60 + 20 * t)], -1)
                     for t in range(n)]).astype(np.uint8)


def test_written_video_reads_back_as_rgb_frames(tmp_path):
    frames = _gradient(6, 32, 48)
    path = write_video(tmp_path / "out" / "clip.mp4", frames, fps=12.5)
    read = read_video(path)
    assert read.shape == frames.shape and read.dtype == np.uint8
    assert np.abs(read.astype(int) - frames).mean() < 4  # lossy MPEG-4, channels not swapped
    assert read_video(path, max_frames=2).shape == (2, 32, 48, 3)
    assert [p.name for p in path.parent.iterdir()] == ["clip.mp4"]  # no temporary left


def test_odd_sizes_are_padded_to_even(tmp_path):
    read = read_video(write_video(tmp_path / "odd.avi", _gradient(2, 15, 21), fps=5))
    assert read.shape == (2, 16, 22, 3)


def test_a_codec_that_cannot_open_keeps_the_previous_file(tmp_path, monkeypatch):
    path = write_video(tmp_path / "clip.mp4", _gradient(2, 16, 16), fps=5)
    before = path.read_bytes()
    monkeypatch.setattr(video_files, "FOURCC", "XXXX")
    with pytest.raises(DatasetError, match=f"cannot write video {path}: OpenCV cannot open its 'XXXX' encoder"):
        write_video(path, _gradient(3, 16, 16), fps=5)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_a_name_without_a_video_extension_is_refused(tmp_path):
    with pytest.raises(DatasetError, match=r"cannot write video .*clip\.gif: the name must end with one of"):
        write_video(tmp_path / "clip.gif", _gradient(2, 16, 16), fps=5)


def test_unreadable_and_missing_videos_are_named(tmp_path):
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\0" * 1000)
    with pytest.raises(DatasetError, match=f"unreadable video: {garbage}"):
        read_video(garbage)
    with pytest.raises(DatasetError, match=f"cannot read {tmp_path / 'absent.mp4'}"):
        read_video(tmp_path / "absent.mp4")


def test_first_frames_of_big_buck_bunny():
    frames = read_video(shared_path("video") / "bigbuckbunny.mp4", max_frames=3)
    assert frames.shape == (3, 720, 1280, 3) and frames.dtype == np.uint8
    assert frames.std() > 10  # a picture, not a blank
