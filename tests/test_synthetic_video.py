"""The built-in synthetic video: moving street scenes with labels, instance ids, frames and ground-truth flow."""

from __future__ import annotations

import numpy as np

from tf_i2i.data.synthetic_street import CAR, GRASS, NUM_CLASSES, ROAD, SIDEWALK, THING_CLASSES
from tf_i2i.data.synthetic_video import render_sequence
from tf_i2i.layers import FlowWarp

H, W, T = 96, 192, 8
SEQUENCES = [render_sequence(0, "train", i, T, H, W) for i in range(3)]


def _sources(flow: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rounded source pixel (row, column) of each pixel under ``flow`` [.., H, W, 2], and whether it is inside."""
    rows, cols = np.mgrid[0:H, 0:W]
    sy, sx = np.rint(rows + flow[..., 1]).astype(int), np.rint(cols + flow[..., 0]).astype(int)
    return np.clip(sy, 0, H - 1), np.clip(sx, 0, W - 1), (sy >= 1) & (sy < H - 1) & (sx >= 1) & (sx < W - 1)


def _seen_in_both(seq: dict) -> np.ndarray:
    """bool [T-1, H, W]: the pixel of frame t+1 shows a surface whose source in frame t (and its 3x3
    neighbourhood) holds the same instance: no occlusion, disocclusion or object edge."""
    ids = seq["instance"]
    sy, sx, seen = _sources(seq["flow"])
    for t in range(T - 1):
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                seen[t] &= ids[t][np.clip(sy[t] + dy, 0, H - 1), np.clip(sx[t] + dx, 0, W - 1)] == ids[t + 1]
    return seen


def test_parts_shapes_dtypes_and_ids():
    for seq in SEQUENCES:
        assert seq["label"].shape == (T, H, W) and seq["label"].dtype == np.uint8
        assert seq["instance"].shape == (T, H, W) and seq["instance"].dtype == np.int32
        assert seq["image"].shape == (T, H, W, 3) and seq["image"].dtype == np.uint8
        assert seq["flow"].shape == (T - 1, H, W, 2) and seq["flow"].dtype == np.float32
        assert np.isfinite(seq["flow"]).all()
        label, inst = seq["label"].astype(np.int64), seq["instance"]
        assert label.max() < NUM_CLASSES and len(np.unique(label)) >= 5
        thing = np.isin(label, THING_CLASSES)
        np.testing.assert_array_equal(inst[~thing], label[~thing])  # stuff: the class id
        np.testing.assert_array_equal(inst[thing] // 1000, label[thing])  # things: class * 1000 + k
    single = render_sequence(0, "train", 0, 1, H, W)
    assert single["image"].shape == (1, H, W, 3) and single["flow"].shape == (0, H, W, 2)


def test_deterministic_per_seed_split_and_index():
    again = render_sequence(0, "train", 1, T, H, W)
    for part, value in again.items():
        np.testing.assert_array_equal(value, SEQUENCES[1][part])
    for other in (render_sequence(1, "train", 1, T, H, W), render_sequence(0, "test", 1, T, H, W), SEQUENCES[2]):
        assert not np.array_equal(other["image"], again["image"])


def test_frames_move_and_the_flow_warps_each_frame_onto_the_next():
    warp = FlowWarp()
    warp_errors, still_errors, hidden_errors = [], [], []
    for seq in SEQUENCES:
        frames = seq["image"].astype(np.float32)
        warped = warp(frames[:-1], seq["flow"]).numpy()
        error = np.abs(warped - frames[1:]).mean(-1)
        unwarped = np.abs(frames[:-1] - frames[1:]).mean(-1)
        seen = _seen_in_both(seq)
        assert seen.mean() > 0.7
        warp_errors.append(error[seen])
        still_errors.append(unwarped[seen])
        hidden_errors.append(error[~seen])
    warp_error, still_error = np.concatenate(warp_errors), np.concatenate(still_errors)
    assert still_error.mean() > 3.0  # consecutive frames differ: the camera and the cars move
    assert warp_error.mean() < 0.6 * still_error.mean()
    assert (warp_error < 8).mean() > 0.88  # grey levels; the rest are aliased edges of windows and cars
    assert warp_error.mean() < 0.5 * np.concatenate(hidden_errors).mean()  # occlusions are where it fails


def test_a_car_keeps_its_instance_id_while_it_moves():
    kept = []
    for seq in SEQUENCES:
        ids = seq["instance"]
        sy, sx, inside = _sources(seq["flow"])
        for t in range(T - 1):
            for car in np.unique(ids[t + 1][seq["label"][t + 1] == CAR]):
                pixels = (ids[t + 1] == car) & inside[t]
                if pixels.sum() >= 30:
                    kept.append((ids[t][sy[t][pixels], sx[t][pixels]] == car).mean())
    assert len(kept) >= 20
    assert np.median(kept) > 0.9 and np.mean(np.array(kept) > 0.6) > 0.9
    present = [set(np.unique(seq["instance"][t][seq["label"][t] == CAR])) for seq in SEQUENCES for t in (0, T - 1)]
    assert any(first & last for first, last in zip(present[::2], present[1::2]))  # the same car in the first and last frame


def test_cars_move_relative_to_the_street():
    """A still car would move in the picture as the ground it stands on; the rendered cars drive."""
    gaps = []
    ground = (ROAD, SIDEWALK, GRASS)
    for seq in SEQUENCES:
        for t in range(T - 1):
            ids, label, flow_y = seq["instance"][t + 1], seq["label"][t + 1], seq["flow"][t, ..., 1]
            for car in np.unique(ids[label == CAR]):
                rows = np.nonzero(ids == car)[0]
                base = rows.max()  # the row where its wheels touch the street
                if rows.size < 30 or base >= H - 1:
                    continue
                ground_flow = np.median(flow_y[base][np.isin(label[base], ground)])  # the row's street: all at one depth
                gaps.append(abs(flow_y[base][ids[base] == car].mean() - ground_flow))
    assert len(gaps) >= 10
    assert np.mean(np.array(gaps) > 0.2) > 0.8 and max(gaps) > 1.0
