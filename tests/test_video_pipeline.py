"""build_dataset's layout "video": the chunk stream of vid2vid (keys, overlap, joint augmentation of frames and
flows, the sequence-length schedule), on in-test sequences of a smooth pattern moving at a known speed."""

from __future__ import annotations

import sys
import types

import ml_collections
import numpy as np
import pytest
import tensorflow as tf

import tf_i2i.data.video.pipeline as video_pipeline
import tf_i2i.data.video.synthetic_sequences as synthetic_sequences
from tests.helpers_data import data_cfg
from tf_i2i.data import DatasetError, build_dataset
from tf_i2i.data.video.sequence_source import SequenceSet
from tf_i2i.layers.flow_warp import warp

H0, W0 = 30, 40
VELOCITY = np.array([2.0, 1.0])  # (x, y) pixels per frame


def _pictures(sequence: int, frames: np.ndarray) -> np.ndarray:
    """uint8 [n, H0, W0, 3]: frame t shows the pattern moved by t * VELOCITY, frame_t(p) = f(p - t * VELOCITY)."""
    y, x = np.mgrid[0:H0, 0:W0].astype(np.float64)
    x = x[None] - frames[:, None, None] * VELOCITY[0]
    y = y[None] - frames[:, None, None] * VELOCITY[1]
    phase = 0.7 * sequence
    pattern = [np.sin(0.35 * x + phase) + np.cos(0.27 * y), np.sin(0.2 * (x + y) + 2 * phase),
               np.cos(0.3 * x - 0.25 * y + phase)]
    return np.clip(np.round(127.5 + 60 * np.stack(pattern, -1)), 0, 255).astype(np.uint8)


class MovingPatterns:
    """A SequenceSet whose flow i -> j is (j - i) * VELOCITY everywhere; instance ids are sequence * 1000 + label,
    so every frame tells its sequence. Records the flow calls and refuses frames outside a sequence."""

    def __init__(self, lengths: tuple[int, ...]):
        self.lengths = lengths
        self.flow_calls = []

    def _in_range(self, sequence: int, frames: np.ndarray) -> None:
        assert 0 <= frames.min() and frames.max() < self.lengths[sequence], (sequence, frames)

    def load(self, sequence: int, frames: np.ndarray) -> dict[str, np.ndarray]:
        self._in_range(sequence, frames)
        image = _pictures(sequence, frames)
        label = (image[..., 0] // 64).astype(np.int32)
        return {"label": label, "instance": sequence * 1000 + label, "image": image,
                "label_image": image[..., :1] // 2}

    def flows(self, sequence: int, pairs: np.ndarray) -> np.ndarray:
        self._in_range(sequence, pairs.ravel())
        self.flow_calls.append(sequence)
        steps = (pairs[:, 1] - pairs[:, 0]).astype(np.float32)
        return np.broadcast_to(steps[:, None, None, None] * VELOCITY.astype(np.float32), (len(pairs), H0, W0, 2))

    def sequence_set(self) -> SequenceSet:
        names = tuple(f"seq{i}" for i in range(len(self.lengths)))
        channels = {"label": 1, "label_image": 1, "instance": 1, "image": 3}
        return SequenceSet(names, self.lengths, channels, self.load, self.flows)


@pytest.fixture
def patterns(monkeypatch):
    """use(lengths) -> the MovingPatterns build_dataset reads instead of the config's source."""

    def use(lengths):
        source = MovingPatterns(lengths)
        monkeypatch.setattr(video_pipeline, "_make_sequences", lambda cfg, split: source.sequence_set())
        return source

    return use


def video_cfg(**fields):
    defaults = {"layout": "video", "preprocess": "resize_and_crop", "load_size": 48, "crop_size": 32,
                "use_instance": True, "video.n_frames_total": 6, "video.max_frames_per_step": 2}
    return data_cfg(**{**defaults, **fields})


def chunks(cfg, batch_size=2, **kwargs) -> list[dict[str, np.ndarray]]:
    options = {"seed": 3, "repeat": False, **kwargs}
    return [{k: v.numpy() for k, v in b.items()} for b in build_dataset(cfg, batch_size=batch_size, **options)]


def sequence_ids(chunk: dict[str, np.ndarray]) -> np.ndarray:
    """[B, L] the sequence of every frame of every row (instance // 1000)."""
    return chunk["instance"][..., 0].reshape(*chunk["instance"].shape[:2], -1).max(-1) // 1000


@pytest.mark.parametrize("num_classes", [9, 0])
def test_chunk_keys_shapes_and_dtypes(patterns, num_classes):
    patterns((12, 9, 15, 7))
    cfg = video_cfg(num_classes=num_classes, a_channels=1, **{"video.n_scales_temporal": 3})
    spec = build_dataset(cfg, batch_size=2).element_spec
    label = "label_image" if num_classes == 0 else "label"
    expected = {
        label: ((2, 4, 32, 32, 1), tf.float32 if num_classes == 0 else tf.int32),  # L = n_frames_G - 1 + 2
        "instance": ((2, 4, 32, 32, 1), tf.int32),
        "image": ((2, 4, 32, 32, 3), tf.float32),
        "flow": ((2, 3, 32, 32, 2), tf.float32),
        "flow_t1": ((2, 2, 32, 32, 2), tf.float32),
        "flow_t2": ((2, 2, 32, 32, 2), tf.float32),
        "chunk": ((2,), tf.int32),
    }
    assert {k: (tuple(s.shape), s.dtype) for k, s in spec.items()} == expected
    first = chunks(cfg)[0]
    assert first[label].dtype == expected[label][1].as_numpy_dtype
    assert -1 <= first["image"].min() < first["image"].max() <= 1


def test_consecutive_chunks_overlap_and_come_from_one_sequence(patterns):
    lengths = (12, 9, 15, 7)
    source = patterns(lengths)
    out = chunks(video_cfg(), shuffle=True)
    n_prev = 2  # n_frames_G - 1
    starts = [i for i, c in enumerate(out) if (c["chunk"] == 0).all()]
    assert len(starts) == 2 and starts[0] == 0  # 4 sequences: two groups of two
    assert sorted(source.flow_calls) == [0, 1, 2, 3]  # one flow request per sequence
    for start, end in zip(starts, starts[1:] + [len(out)]):
        group = out[start:end]
        seqs = sequence_ids(group[0])[:, 0]
        expected_chunks = min(6, min(lengths[s] for s in seqs) - n_prev) // 2  # official clamp, shared by the rows
        assert [c["chunk"].tolist() for c in group] == [[k, k] for k in range(expected_chunks)]
        for prev, nxt in zip(group, group[1:]):
            assert (sequence_ids(prev) == seqs[:, None]).all() and (sequence_ids(nxt) == seqs[:, None]).all()
            for key in ("image", "label", "instance"):  # same crop and flip: the shared frames are equal
                np.testing.assert_array_equal(prev[key][:, -n_prev:], nxt[key][:, :n_prev])
            np.testing.assert_array_equal(prev["flow"][:, -(n_prev - 1):], nxt["flow"][:, : n_prev - 1])
    assert set(sequence_ids(out[starts[0]])[:, 0]) | set(sequence_ids(out[starts[1]])[:, 0]) == {0, 1, 2, 3}


def test_the_same_seed_gives_the_same_chunks_even_when_not_deterministic(patterns):
    patterns((12, 9, 15, 7))
    cfg = video_cfg(**{"video.max_t_step": 2})
    a, b = chunks(cfg, deterministic=False), chunks(cfg, deterministic=True)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        for key in x:
            np.testing.assert_array_equal(x[key], y[key])
    assert any(not np.array_equal(x["image"], y["image"]) for x, y in zip(a, chunks(cfg, seed=4)))


def _warp_error(image: np.ndarray, flow: np.ndarray, margin: int = 6) -> float:
    """Mean |warp(image[i], flow[i]) - image[i + 1]| inside the margin, over a chunk's rows and frames."""
    b, length = image.shape[:2]
    warped = warp(image[:, :-1].reshape(-1, *image.shape[2:]), flow.reshape(-1, *flow.shape[2:])).numpy()
    later = image[:, 1:].reshape(warped.shape)
    return float(np.abs(warped - later)[:, margin:-margin, margin:-margin].mean())


def test_flows_follow_resize_crop_and_flip(patterns):
    """Flows scale with the resize (x by 32/40 -> 48/40, y by 48/30), flip negates x, and still warp frame i
    onto frame i + 1; flow_t1 spans n_frames_D sampled frames and is zero before the sequence's first."""
    patterns((20, 20, 20, 20))
    cfg = video_cfg(**{"video.max_t_step": 2, "video.n_frames_total": 4})
    ratio = np.array([48 / W0, 48 / H0])
    signs = set()
    for c in chunks(cfg, batch_size=2, shuffle=True) + chunks(cfg, batch_size=2, seed=5):
        flow, flow_t1 = c["flow"], c["flow_t1"]
        step = flow[:, :1, :1, :1] / (-VELOCITY * ratio)  # [B, 1, 1, 1, 2]: -t_step * VELOCITY after the resize
        t_step = np.abs(step[..., 1])
        assert set(np.round(t_step.ravel(), 4)) <= {1.0, 2.0}
        np.testing.assert_allclose(np.abs(step[..., 0]), t_step, rtol=1e-4)  # x and y share t_step
        signs |= set(np.sign(step[..., 0]).ravel())
        np.testing.assert_allclose(flow, np.broadcast_to(flow[:, :1, :1, :1], flow.shape), atol=1e-4)
        assert _warp_error(c["image"], flow) < 0.02
        assert _warp_error(c["image"], flow * [-1.0, 1.0]) > 0.1  # a wrong flow does not warp
        new_index = c["chunk"][:, None] * 2 + 2 + np.arange(2)  # sampled index of the chunk's new frames
        known = (new_index - 3 >= 0)[..., None, None, None]  # n_frames_D = 3 sampled frames earlier
        np.testing.assert_allclose(flow_t1, np.where(known, 3 * flow[:, :1], 0.0), atol=1e-4)
    assert signs == {1.0, -1.0}  # both flips occurred (x negated under a flip)


def test_the_length_doubles_every_niter_step_steps_and_first_step_resumes(patterns):
    patterns((20,) * 6)
    cfg = video_cfg(preprocess="none", flip=False, use_instance=False, **{
        "video.n_frames_total": 2, "video.max_frames_per_step": 1, "video.niter_step": 3})

    def group_lengths(first_step, n_groups):
        out = build_dataset(cfg, batch_size=1, seed=0, first_step=first_step)
        marks = [int(c["chunk"][0]) for c in out.take(80)]
        starts = [i for i, k in enumerate(marks) if k == 0]
        return [b - a for a, b in zip(starts, starts[1:])][:n_groups]

    # groups start at steps 0, 2, 4, 8, 16: 2 * 2**(step // 3) frames, capped at 20 - 2
    assert group_lengths(0, 5) == [2, 2, 4, 8, 18]
    assert group_lengths(3, 3) == [4, 8, 18]  # starts at steps 3, 7, 15


def test_a_sequence_too_short_for_one_chunk_is_named(patterns):
    patterns((12, 3, 15))
    with pytest.raises(DatasetError, match="sequence seq1 has 3 frames.*at least .* = 4"):
        build_dataset(video_cfg(), batch_size=1)


def test_a_config_without_newer_video_fields_gets_their_defaults(patterns):
    """A run's config.json written before a data.video field existed still builds."""
    patterns((12, 9))
    cfg = video_cfg().to_dict()
    del cfg["video"]["max_t_step"], cfg["video"]["synthetic"]
    assert build_dataset(ml_collections.ConfigDict(cfg), batch_size=1).element_spec["image"].shape[1] == 4


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("video.n_frames_G", 1, "n_frames_G must be >= 2"),
        ("video.n_frames_D", 1, "n_frames_D must be >= 2"),
        ("video.n_scales_temporal", 0, "n_scales_temporal"),
        ("video.max_frames_per_step", 0, "max_frames_per_step"),
        ("video.n_frames_total", 1, "n_frames_total (1) must be >= data.video.max_frames_per_step (2)"),
        ("video.max_t_step", 0, "max_t_step"),
        ("video.niter_step", -1, "niter_step"),
        ("video.flow", "raft", "data.video.flow must be one of"),
        ("video.flow_preset", "slow", "flow_preset"),
        ("video.edges", "canny", "set data.num_classes=0"),
        ("source", "tfds:x", "TFDS"),
        ("use_image", False, "use_image"),
        ("num_classes", -1, "num_classes"),
    ],
)
def test_bad_video_settings_are_named(field, value, words):
    with pytest.raises(DatasetError, match=words.replace("(", r"\(").replace(")", r"\)")):
        build_dataset(video_cfg(**{field: value}), batch_size=1)


@pytest.fixture
def fake_renderer_and_teacher(monkeypatch):
    """Stand-ins for the synthetic video renderer and the DIS teacher (engineers C and A): counts DIS calls."""
    calls = []

    def render_sequence(seed, split, index, n_frames, height, width):
        frames = np.arange(n_frames)
        image = np.stack([_pictures(index, frames)[:, :height, :width]])[0]
        label = (image[..., 0] // 32).astype(np.uint8)
        return {"label": label, "instance": label.astype(np.int32), "image": image,
                "flow": np.zeros((n_frames - 1, height, width, 2), np.float32)}

    def dis_flow(frame_i, frame_j, preset="medium"):
        calls.append(preset)
        return np.full((*frame_i.shape[:2], 2), 0.5, np.float32)

    renderer = types.SimpleNamespace(render_sequence=render_sequence)
    monkeypatch.setitem(sys.modules, "tf_i2i.data.synthetic_video", renderer)
    monkeypatch.setitem(sys.modules, "tf_i2i.data.video.flow_teacher", types.SimpleNamespace(dis_flow=dis_flow))
    forget_synthetic_video()
    yield calls
    forget_synthetic_video()


def forget_synthetic_video():
    """Empty the process-wide caches of rendered sequences and DIS flows."""
    synthetic_sequences._rendered.cache_clear()
    synthetic_sequences._DIS_FLOWS.clear()


@pytest.mark.parametrize("flow", ["dis", "none"])
def test_synthetic_video_chunks_with_cached_dis_flows(fake_renderer_and_teacher, flow):
    cfg = video_cfg(num_classes=0, preprocess="none", flip=False, **{
        "video.synthetic.num_sequences": 2, "video.synthetic.n_frames": 6, "video.synthetic.image_size": (24, 32),
        "video.flow": flow, "video.flow_preset": "fast", "video.n_frames_total": 4})
    first = chunks(cfg, batch_size=2, shuffle=False)
    again = chunks(cfg, batch_size=2, shuffle=False)
    assert len(first) == 2 and first[0]["label_image"].shape == (2, 4, 24, 32, 3)  # label colours
    np.testing.assert_array_equal(first[1]["image"], again[1]["image"])
    if flow == "dis":
        # 2 sequences x (5 consecutive + 3 three apart) pairs, computed once, then served from memory
        assert fake_renderer_and_teacher == ["fast"] * 16
        assert (first[0]["flow"] == 0.5).all() and (first[0]["flow_t1"][:, 1] == 0.5).all()
    else:
        assert fake_renderer_and_teacher == [] and not first[0]["flow"].any() and not first[0]["flow_t1"].any()
    assert not first[0]["flow_t1"][:, 0].any()  # chunk 0's first new frame is sampled frame 2: none 3 earlier


def test_synthetic_video_has_no_flow_files(fake_renderer_and_teacher):
    with pytest.raises(DatasetError, match="synthetic video has none"):
        build_dataset(video_cfg(**{"video.flow": "files"}), batch_size=1)
