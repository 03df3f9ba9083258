"""The flow teacher: DIS flow in the direction FlowWarp uses (checked on a shifted textured image,
a shifted real frame and real consecutive frames), its errors, the flow cache beside the data
(computed once, invalidated by a changed frame, filled by two threads at once) and
tools/compute_flow.py filling it."""

from __future__ import annotations

import subprocess
import sys
import threading

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.conftest import REPO
from tests.helpers_data import shared_path
from tf_i2i.data import DatasetError
from tf_i2i.data.video.flow_cache import FlowCache, cache_location, frame_file_keys
from tf_i2i.data.video.flow_teacher import PRESETS, dis_flow, to_gray
from tf_i2i.layers import FlowWarp

SHIFT = (3, -2)  # (dx, dy) in pixels


def textured_image(h: int, w: int, seed: int = 0) -> np.ndarray:
    """uint8 RGB [h, w, 3]: random noise at a few scales, blurred, so every patch has texture."""
    rng = np.random.default_rng(seed)
    image = np.zeros((h, w, 3), np.float32)
    for cell in (2, 6, 16):
        coarse = rng.uniform(0, 1, (h // cell + 2, w // cell + 2, 3)).astype(np.float32)
        image += cv2.resize(coarse, (w + 2 * cell, h + 2 * cell), interpolation=cv2.INTER_CUBIC)[cell:cell + h,
                                                                                                 cell:cell + w]
    image = cv2.GaussianBlur(image, (0, 0), 1.0)
    return np.clip((image - image.min()) / np.ptp(image) * 255, 0, 255).astype(np.uint8)


def shifted_pair(canvas: np.ndarray, margin: int, shift=SHIFT) -> tuple[np.ndarray, np.ndarray]:
    """(frame_i, frame_j) cut from `canvas` with frame_j(p) = frame_i(p - shift): the flow from i to j
    (frame_i(p) = frame_j(p + flow)) is `shift` everywhere."""
    dx, dy = shift
    h, w = canvas.shape[0] - 2 * margin, canvas.shape[1] - 2 * margin
    frame_i = canvas[margin:margin + h, margin:margin + w]
    frame_j = canvas[margin - dy:margin - dy + h, margin - dx:margin - dx + w]
    return frame_i, frame_j


def warp_error(frame_i: np.ndarray, frame_j: np.ndarray, flow: np.ndarray, border: int = 0) -> float:
    """Mean |FlowWarp(frame_j, flow) - frame_i| away from a `border` (where content left the frame)."""
    warped = np.asarray(FlowWarp()(frame_j[None].astype(np.float32), flow[None]))[0]
    inner = (slice(border, frame_i.shape[0] - border), slice(border, frame_i.shape[1] - border))
    return float(np.abs(warped[inner] - frame_i[inner]).mean())


def check_shift_is_found_and_warps_back(frame_i: np.ndarray, frame_j: np.ndarray, preset: str) -> None:
    flow = dis_flow(frame_i, frame_j, preset)
    assert flow.shape == frame_i.shape[:2] + (2,) and flow.dtype == np.float32
    inner = flow[8:-8, 8:-8].reshape(-1, 2)
    np.testing.assert_allclose(np.median(inner, axis=0), SHIFT, atol=0.15)
    assert np.mean(np.linalg.norm(inner - SHIFT, axis=-1) < 0.5) > 0.9
    unwarped = warp_error(frame_i, frame_j, np.zeros_like(flow), border=8)
    assert warp_error(frame_i, frame_j, flow, border=8) < 0.15 * unwarped


@pytest.mark.parametrize("preset", list(PRESETS))
def test_flow_of_a_shifted_textured_image_is_the_shift_and_flowwarp_undoes_it(preset):
    check_shift_is_found_and_warps_back(*shifted_pair(textured_image(88, 120), margin=8), preset)


def read_video_frames(path, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        assert ok, f"cannot read frame {len(frames)} of {path}"
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


@pytest.fixture(scope="module")
def carphone() -> list[np.ndarray]:
    return read_video_frames(shared_path("video") / "carphone_pristine.mp4", 31)


def test_flow_of_a_shifted_real_frame_is_the_shift_and_flowwarp_undoes_it(carphone):
    check_shift_is_found_and_warps_back(*shifted_pair(carphone[0], margin=8), "medium")


def test_flow_between_real_consecutive_frames_warps_the_previous_onto_the_current(carphone):
    current, previous = carphone[30], carphone[29]
    flow = dis_flow(current, previous)
    still = warp_error(current, previous, np.zeros_like(flow))
    assert warp_error(current, previous, flow) < 0.7 * still
    assert warp_error(current, previous, -flow) > still  # the other direction makes it worse


def test_rgb_frames_are_compared_through_one_luma_and_small_frames_work():
    rgb = textured_image(20, 90, seed=1)  # 20 rows: OpenCV's DIS alone crashes on it (fast presets)
    luma = rgb.astype(np.float64) @ [0.299, 0.587, 0.114]
    assert np.abs(to_gray(rgb).astype(np.float64) - luma).max() <= 1
    np.testing.assert_array_equal(dis_flow(rgb, rgb[:, ::-1], "fast"),
                                  dis_flow(to_gray(rgb), to_gray(rgb[:, ::-1])[..., None], "fast"))
    frame_i, frame_j = shifted_pair(textured_image(36, 106, seed=2), margin=8)
    flow = dis_flow(frame_i, frame_j, "ultrafast")
    assert flow.shape == (20, 90, 2)
    np.testing.assert_allclose(np.median(flow.reshape(-1, 2), axis=0), SHIFT, atol=0.5)


def test_bad_frames_and_presets_are_dataset_errors():
    image = textured_image(32, 40)
    with pytest.raises(DatasetError, match="frames of different sizes: 40x32 and 39x32"):
        dis_flow(image, image[:, 1:])
    with pytest.raises(DatasetError, match="unknown DIS flow preset 'slow'; one of ultrafast, fast, medium"):
        dis_flow(image, image, "slow")
    with pytest.raises(DatasetError, match="uint8 frames, got float32"):
        dis_flow(image.astype(np.float32), image)
    with pytest.raises(DatasetError, match=r"got shape \(32, 40, 4\)"):
        dis_flow(np.dstack([image, image[..., :1]]), image)


class Frames:
    """A sequence's frames by index, counting reads (a read means the pair was computed)."""

    def __init__(self, n: int, seed: int = 0):
        self.images = [textured_image(40, 48, seed + k) for k in range(n)]
        self.keys = [f"frame{k}-v0" for k in range(n)]
        self.reads: list[int] = []

    def __call__(self, index: int) -> np.ndarray:
        self.reads.append(index)
        return self.images[index]


PAIRS = [(1, 0), (2, 1), (3, 2), (3, 0)]


def test_cache_computes_each_pair_once_and_keeps_it_beside_the_data(tmp_path):
    frames = Frames(4)
    first = FlowCache(tmp_path, "ultrafast").flows("train_B/seq1", frames.keys, frames, PAIRS)
    assert first.shape == (4, 40, 48, 2) and first.dtype == np.float32
    assert sorted(frames.reads) == [0, 1, 2, 3]  # each frame read once, though in several pairs
    for got, (i, j) in zip(first, PAIRS):
        np.testing.assert_allclose(got, dis_flow(frames.images[i], frames.images[j], "ultrafast"), atol=0.02)
    folder = tmp_path / ".tf_i2i_flow" / "train_B" / "seq1" / "ultrafast"
    assert len(list(folder.glob("*.npy"))) == len(PAIRS)
    frames.reads.clear()
    again = FlowCache(tmp_path, "ultrafast").flows("train_B/seq1", frames.keys, frames, PAIRS[::-1])
    assert frames.reads == []
    np.testing.assert_array_equal(again, first[::-1])
    FlowCache(tmp_path, "fast").flows("train_B/seq1", frames.keys, frames, PAIRS[:1])
    assert frames.reads == [1, 0]  # another preset is another flow


def test_a_changed_frame_recomputes_its_pairs_only_and_replaces_their_files(tmp_path):
    frames = Frames(4)
    cache = FlowCache(tmp_path, "ultrafast")
    before = cache.flows("seq", frames.keys, frames, PAIRS)
    frames.images[2] = textured_image(40, 48, seed=9)
    frames.keys[2] = "frame2-v1"
    frames.reads.clear()
    after = cache.flows("seq", frames.keys, frames, PAIRS)
    assert sorted(frames.reads) == [1, 2, 3]  # pairs (2, 1) and (3, 2)
    np.testing.assert_array_equal(after[[0, 3]], before[[0, 3]])
    assert np.abs(after[1] - before[1]).mean() > 0.5
    assert len(list(cache.folder("seq").glob("*.npy"))) == len(PAIRS)


def test_an_unreadable_cache_file_is_computed_again(tmp_path):
    frames = Frames(2)
    cache = FlowCache(tmp_path, "ultrafast")
    flow = cache.flows("seq", frames.keys, frames, [(1, 0)])
    (stored,) = cache.folder("seq").glob("*.npy")
    stored.write_bytes(stored.read_bytes()[:100])
    frames.reads.clear()
    np.testing.assert_array_equal(cache.flows("seq", frames.keys, frames, [(1, 0)]), flow)
    assert frames.reads == [1, 0]


def test_two_fills_at_once_both_get_the_flows_and_leave_whole_files(tmp_path):
    frames = Frames(4)
    both_reading = threading.Barrier(2)

    def frame(index: int) -> np.ndarray:
        if index == 0:
            both_reading.wait(timeout=20)  # both fills are computing the same pairs now
        return frames(index)

    results = [None, None]

    def fill(slot: int) -> None:
        results[slot] = FlowCache(tmp_path, "ultrafast").flows("seq", frames.keys, frame, PAIRS)

    threads = [threading.Thread(target=fill, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    np.testing.assert_array_equal(results[0], results[1])
    files = sorted(p.name for p in FlowCache(tmp_path, "ultrafast").folder("seq").iterdir())
    assert len(files) == len(PAIRS) and all(name.endswith(".npy") and not name.startswith(".") for name in files)
    frames.reads.clear()
    np.testing.assert_array_equal(FlowCache(tmp_path, "ultrafast").flows("seq", frames.keys, frames, PAIRS),
                                  results[0])
    assert frames.reads == []


def test_cache_errors_name_the_sequence(tmp_path):
    frames = Frames(3)
    frames.images[2] = frames.images[2][:, :40]
    with pytest.raises(DatasetError, match="sequence seq, frames 2 and 1: frames of different sizes: 40x40 and 48x40"):
        FlowCache(tmp_path, "ultrafast").flows("seq", frames.keys, frames, [(2, 1)])
    with pytest.raises(DatasetError, match="sequence name '../up'"):
        FlowCache(tmp_path).flows("../up", frames.keys, frames, [(1, 0)])
    with pytest.raises(DatasetError, match="unknown DIS flow preset"):
        FlowCache(tmp_path, "best")


def test_compute_flow_fills_the_cache_that_training_reads(tmp_path):
    root = tmp_path / "street"
    sequences = {"a": Frames(4, seed=0), "b": Frames(3, seed=5)}
    for name, frames in sequences.items():
        (root / "train_B" / name).mkdir(parents=True)
        for k, image in enumerate(frames.images):
            Image.fromarray(image).save(root / "train_B" / name / f"{k:03d}.png")
    (root / "train_B" / "clip.mp4").write_bytes(b"")  # video files are not this tool's
    run = subprocess.run([sys.executable, "tools/compute_flow.py", f"--data_root={root}", "--preset=ultrafast",
                          "--strides=1,2"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2 sequences, 8 flows (8 computed, 0 already cached)" in run.stderr
    assert "[2/2] train_B/b: 3/3 pairs, 3 computed" in run.stderr
    for name, frames in sequences.items():
        folder = root / "train_B" / name
        paths = sorted(folder.glob("*.png"))
        cache_root, sequence = cache_location(folder)
        assert (cache_root, sequence) == (root, f"train_B/{name}")
        pairs = [(i, i - s) for i in range(len(paths)) for s in (1, 2) if i >= s]
        frames.reads.clear()
        flows = FlowCache(cache_root, "ultrafast").flows(sequence, frame_file_keys(paths), frames, pairs)
        assert frames.reads == [] and len(flows) == len(pairs)
