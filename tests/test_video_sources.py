"""Folder video data sets (the official temporal layout, video files, edges mode, flows): what
folder_sequences loads, and the errors it raises before any step, naming the sequence and frame."""

from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.helpers_data import shared_path
from tests.helpers_video import video_cfg, write_sequence
from tf_i2i.data import DatasetError
from tf_i2i.data.video import flow_cache
from tf_i2i.data.video.flow_cache import FlowCache, frame_file_keys
from tf_i2i.data.video.folder_sequences import folder_sequences
from tf_i2i.data.video.video_files import FRAMES_CACHE, write_video


def fails(cfg, *words: str) -> str:
    """Assert folder_sequences rejects the set; every word must be in the message, which is returned."""
    with pytest.raises(DatasetError) as err:
        folder_sequences(cfg, "train")
    for word in words:
        assert word in str(err.value), f"{word!r} not in: {err.value}"
    return str(err.value)


def test_label_instance_and_image_sequences_of_different_lengths(tmp_path):
    short = write_sequence(tmp_path, "s1", 3, parts=("A", "B", "inst"), seed=1)
    long = write_sequence(tmp_path, "s2", 5, size=(4, 10), parts=("A", "B", "inst"), seed=2)
    sequences = folder_sequences(video_cfg(tmp_path, use_instance=True), "train")
    assert sequences.names == ("s1", "s2") and sequences.lengths == (3, 5)
    assert sequences.channels == {"label": 1, "image": 3, "instance": 1}
    parts = sequences.load(1, np.array([4, 0]))
    assert parts["label"].dtype == np.int32 and parts["instance"].dtype == np.int32 and parts["image"].dtype == np.uint8
    np.testing.assert_array_equal(parts["label"], long["A"][[4, 0]])
    np.testing.assert_array_equal(parts["instance"], long["inst"][[4, 0]])
    np.testing.assert_array_equal(parts["image"], long["B"][[4, 0]])
    np.testing.assert_array_equal(sequences.load(0, np.array([2]))["label"], short["A"][[2]])
    flows = sequences.flows(1, np.array([[1, 0], [4, 2]]))  # flow "none": zeros at the sequence's size
    assert flows.shape == (2, 4, 10, 2) and flows.dtype == np.float32 and not flows.any()


def test_rgb_label_frames_with_num_classes_0(tmp_path):
    written = write_sequence(tmp_path, "s", 3, rgb_a=True)
    sequences = folder_sequences(video_cfg(tmp_path, num_classes=0, use_image=False), "train")
    assert sequences.channels == {"label_image": 3}
    parts = sequences.load(0, np.array([1]))
    assert list(parts) == ["label_image"]
    np.testing.assert_array_equal(parts["label_image"], written["A"][[1]])


def test_nested_sequence_folders_are_named_by_their_path(tmp_path):
    write_sequence(tmp_path, "city/seq_0", 3)
    assert folder_sequences(video_cfg(tmp_path), "train").names == ("city/seq_0",)


def test_missing_frame_partner_names_the_sequence_and_frame(tmp_path):
    write_sequence(tmp_path, "s1", 4)
    (tmp_path / "train_B" / "s1" / "00002.png").unlink()
    fails(video_cfg(tmp_path), "missing partner:", str(tmp_path / "train_A" / "s1" / "00002.png"),
          str(tmp_path / "train_B" / "s1"))


def test_frames_are_matched_by_stem_not_only_by_order(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    os.rename(tmp_path / "train_B" / "s1" / "00002.png", tmp_path / "train_B" / "s1" / "00009.png")
    fails(video_cfg(tmp_path), "missing partner:", "s1/00002.png", "1 more missing partners")  # and 00009


def test_missing_sequence_partner(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    write_sequence(tmp_path, "s2", 3, parts=("A",))
    fails(video_cfg(tmp_path), "missing partner: sequence 's2'", str(tmp_path / "train_B"))


def test_frames_directly_in_a_part_folder_are_no_sequence(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    for frame in (tmp_path / "train_A" / "s1").iterdir():
        frame.rename(tmp_path / "train_A" / frame.name)
    (tmp_path / "train_A" / "s1").rmdir()
    fails(video_cfg(tmp_path), f"no sequences in {tmp_path / 'train_A'}: expected one folder of frames per sequence")


def test_frames_of_different_sizes_within_a_sequence(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    for part, mode in (("A", "L"), ("B", "RGB")):
        Image.new(mode, (9, 6)).save(tmp_path / f"train_{part}" / "s1" / "00001.png")
    fails(video_cfg(tmp_path), "frame size changes within sequence 's1'", "00001.png", "9x6", "8x6")


def test_sequence_shorter_than_n_frames_g(tmp_path):
    write_sequence(tmp_path, "long", 3)
    write_sequence(tmp_path, "short", 2)
    fails(video_cfg(tmp_path), "sequence too short: 'short'", "2 frames", "n_frames_G = 3")


def test_corrupt_frame(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    frame = tmp_path / "train_B" / "s1" / "00001.png"
    frame.write_bytes(frame.read_bytes()[:60])
    fails(video_cfg(tmp_path), "corrupt image:", str(frame))


def test_label_id_out_of_range(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    Image.fromarray(np.full((6, 8), 7, np.uint8)).save(tmp_path / "train_A" / "s1" / "00001.png")
    fails(video_cfg(tmp_path), "label id out of range:", "s1/00001.png", "[7]")


def test_bmp_label_frame_is_refused(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    Image.fromarray(np.zeros((6, 8), np.uint8)).save(tmp_path / "train_A" / "s1" / "00001.png", format="BMP")
    fails(video_cfg(tmp_path), "label map not a PNG:", "s1/00001.png", "BMP")


def test_frame_changed_after_validation(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    sequences = folder_sequences(video_cfg(tmp_path), "train")
    Image.fromarray(np.full((6, 8, 3), 9, np.uint8)).save(tmp_path / "train_B" / "s1" / "00002.png")
    with pytest.raises(DatasetError, match="data file changed since the data set was checked: .*s1/00002.png"):
        sequences.load(0, np.array([2]))


def _frames(n: int, size: tuple[int, int] = (16, 16)) -> np.ndarray:
    """Smooth moving gradients (MPEG-friendly) [n, H, W, 3]."""
    y, x = np.mgrid[: size[0], : size[1]]
    frames = [np.stack([(x * 8 + 20 * t) % 256, y * 8, np.full_like(x, 128)], -1) for t in range(n)]
    return np.stack(frames).astype(np.uint8)


def test_video_file_in_place_of_a_frame_folder(tmp_path):
    labels = write_sequence(tmp_path, "clip", 4, size=(16, 16), parts=("A",))["A"]
    video = write_video(tmp_path / "train_B" / "clip.mp4", _frames(4), fps=10)
    sequences = folder_sequences(video_cfg(tmp_path), "train")
    assert sequences.names == ("clip",) and sequences.lengths == (4,)
    parts = sequences.load(0, np.array([3, 1]))
    np.testing.assert_array_equal(parts["label"], labels[[3, 1]])
    decoded = cv2.VideoCapture(str(video))
    frames = [cv2.cvtColor(decoded.read()[1], cv2.COLOR_BGR2RGB) for _ in range(4)]
    np.testing.assert_array_equal(parts["image"], np.stack(frames)[[3, 1]])
    assert sorted(p.name for p in (tmp_path / FRAMES_CACHE / "train_B" / "clip.mp4").iterdir())[:2] == [
        "000000.png", "000001.png"]


def test_video_with_fewer_frames_than_its_label_folder(tmp_path):
    write_sequence(tmp_path, "clip", 5, size=(16, 16), parts=("A",))
    write_video(tmp_path / "train_B" / "clip.mp4", _frames(4), fps=10)
    fails(video_cfg(tmp_path), "missing partner: sequence 'clip' frame 4", "00004.png", "clip.mp4")


def test_frame_cache_is_reused_then_rebuilt_when_the_video_changes(tmp_path, monkeypatch):
    video = write_video(tmp_path / "train_B" / "clip.avi", _frames(3), fps=10)
    cfg = video_cfg(tmp_path, num_classes=0, a_channels=1, **{"video.edges": "canny"})
    first = folder_sequences(cfg, "train").load(0, np.array([0]))["image"]
    frame0 = tmp_path / FRAMES_CACHE / "train_B" / "clip.avi" / "000000.png"
    made = frame0.stat().st_mtime_ns
    assert folder_sequences(cfg, "train").lengths == (3,) and frame0.stat().st_mtime_ns == made  # not decoded again
    write_video(video, 255 - _frames(5), fps=10)
    sequences = folder_sequences(cfg, "train")
    assert sequences.lengths == (5,)
    assert np.abs(sequences.load(0, np.array([0]))["image"].astype(int) - first).mean() > 50


def test_label_maps_cannot_come_from_a_video(tmp_path):
    write_sequence(tmp_path, "clip", 3, size=(16, 16), parts=("B",))
    write_video(tmp_path / "train_A" / "clip.mp4", _frames(3), fps=10)
    fails(video_cfg(tmp_path), "label maps cannot come from a video file:", "clip.mp4")


@pytest.mark.parametrize("make", ["garbage", "no frames"])
def test_unreadable_or_empty_video(tmp_path, make):
    video = tmp_path / "train_B" / "clip.avi"
    video.parent.mkdir()
    if make == "garbage":
        video.write_bytes(b"not a video at all" * 10)
    else:
        cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (16, 16)).release()
    fails(video_cfg(tmp_path, num_classes=0, a_channels=1, **{"video.edges": "canny"}),
          "unreadable video:" if make == "garbage" else "empty video:", str(video))


def test_edges_mode_reads_b_alone_and_computes_canny_edges(tmp_path):
    written = write_sequence(tmp_path, "s1", 3, size=(16, 16), parts=("B",))["B"].astype(np.uint8)
    cfg = video_cfg(tmp_path, num_classes=0, a_channels=1, **{"video.edges": "canny", "video.canny_low": 50})
    sequences = folder_sequences(cfg, "train")
    assert sequences.channels == {"label_image": 1, "image": 3}
    parts = sequences.load(0, np.array([2, 0]))
    expected = [cv2.Canny(cv2.cvtColor(written[i], cv2.COLOR_RGB2GRAY), 50, 200) for i in (2, 0)]
    np.testing.assert_array_equal(parts["label_image"][..., 0], np.stack(expected))
    assert parts["label_image"].any() and parts["label_image"].dtype == np.uint8
    np.testing.assert_array_equal(parts["image"], written[[2, 0]])
    cfg.use_image = False
    assert list(folder_sequences(cfg, "train").load(0, np.array([1]))) == ["label_image"]


def test_edges_mode_needs_num_classes_0_and_one_input_channel(tmp_path):
    write_sequence(tmp_path, "s1", 3, parts=("B",))
    fails(video_cfg(tmp_path, **{"video.edges": "canny"}), "data.num_classes=0")
    fails(video_cfg(tmp_path, num_classes=0, **{"video.edges": "canny"}), "data.a_channels=1")
    fails(video_cfg(tmp_path, **{"video.edges": "sobel"}), "data.video.edges must be one of")


def test_edges_of_the_carphone_clip(tmp_path):
    clip = shared_path("video") / "carphone_pristine.mp4"
    (tmp_path / "train_B").mkdir()
    (tmp_path / "train_B" / "carphone.mp4").symlink_to(clip)
    cfg = video_cfg(tmp_path, num_classes=0, a_channels=1, use_image=False, **{"video.edges": "canny"})
    sequences = folder_sequences(cfg, "train")
    assert sequences.names == ("carphone",) and sequences.lengths == (120,)
    edges = sequences.load(0, np.array([0, 119]))["label_image"]
    assert edges.shape == (2, 144, 176, 1)
    assert 0.01 < (edges > 0).mean() < 0.3  # a line drawing, neither blank nor noise
    assert (edges[0] != edges[1]).any()


def test_dis_flows_come_from_the_flow_cache_keyed_by_the_frames(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    cfg = video_cfg(tmp_path, **{"video.flow": "dis", "video.flow_preset": "fast"})
    flows = folder_sequences(cfg, "train").flows(0, np.array([[1, 0], [2, 0]]))
    assert flows.shape == (2, 6, 8, 2) and np.isfinite(flows).all()
    cached = tmp_path / ".tf_i2i_flow" / "train_B" / "s1" / "fast"  # where tools/compute_flow.py puts them
    assert len(list(cached.glob("*.npy"))) == 2
    frame = tmp_path / "train_B" / "s1" / "00001.png"
    Image.fromarray(np.full((6, 8, 3), 200, np.uint8)).save(frame)
    os.utime(frame, ns=(1, 1))  # a rewritten frame: another size/time key
    again = folder_sequences(cfg, "train").flows(0, np.array([[1, 0], [2, 0]]))
    np.testing.assert_array_equal(again[1], flows[1])  # frames 2 and 0 unchanged: read back
    assert len(list(cached.glob("*.npy"))) == 2  # the stale pair's file replaced, not kept beside
    cfg.use_image = False  # no real frames read: nothing to compute flow from
    with pytest.raises(DatasetError, match="data.use_image=False does not read; set data.video.flow='none'"):
        folder_sequences(cfg, "train").flows(0, np.array([[1, 0]]))


def test_training_reads_the_flows_tools_compute_flow_cached(tmp_path, monkeypatch):
    """Training keys the DIS cache as tools/compute_flow.py does (each frame file's size and time), so
    the flows it stored are read, not computed again and replaced."""
    write_sequence(tmp_path, "s1", 3)
    frames = sorted((tmp_path / "train_B" / "s1").glob("*.png"))
    marked = np.full((6, 8, 2), 7.0, np.float32)  # no DIS flow of these frames: only a read gives it back
    monkeypatch.setattr(flow_cache, "dis_flow", lambda *args: marked)
    FlowCache(tmp_path, "fast").flows("train_B/s1", frame_file_keys(frames), lambda i: None, [(1, 0), (2, 1)])
    monkeypatch.undo()
    cfg = video_cfg(tmp_path, **{"video.flow": "dis", "video.flow_preset": "fast"})
    read = folder_sequences(cfg, "train").flows(0, np.array([[1, 0], [2, 1]]))
    np.testing.assert_array_equal(read, np.stack([marked, marked]))


def test_user_flow_files(tmp_path):
    write_sequence(tmp_path, "s1", 3)
    folder = tmp_path / "train_flow" / "s1"
    folder.mkdir(parents=True)
    for stem, value in (("00001", 1.0), ("00002", 2.0)):
        np.save(folder / f"{stem}.npy", np.full((6, 8, 2), value, np.float32))
    cfg = video_cfg(tmp_path, **{"video.flow": "files"})
    flows = folder_sequences(cfg, "train").flows(0, np.array([[2, 1], [1, 0]]))
    assert (flows[0] == 2).all() and (flows[1] == 1).all()  # each frame's own file
    (folder / "00002.npy").unlink()
    fails(cfg, "missing flow file: sequence 's1' frame 00002", str(folder))
    np.save(folder / "00000.npy", np.zeros((6, 8, 2), np.float32))
    fails(cfg, "flow file without a frame:", "00000.npy")
