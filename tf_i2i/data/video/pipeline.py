"""The vid2vid training stream: sequences -> sampled frames (schedule.py) -> one augmentation per sequence
-> chunks of n_frames_G - 1 + max_frames_per_step frames, one chunk of B sequences per train step.

Order of work: sequence indices (shuffled per epoch) are grouped by B; a scan over the groups keeps the
train step a group starts at, which fixes its length (the schedule), and samples its frames from
(seed, group number); each sequence is read with one numpy call (frames and every flow the chunks
need) and augmented as a whole; the group is batched and cut into chunks.
"""

from __future__ import annotations

import ml_collections
import numpy as np
import tensorflow as tf

from tf_i2i.data.augment import augment
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.label_parts import label_parts
from tf_i2i.data.source import epoch_indices
from tf_i2i.data.video.schedule import plan_group, scheduled_frames
from tf_i2i.data.video.sequence_source import SequenceSet, requested_parts

PART_DTYPES = {"label": tf.int32, "label_image": tf.uint8, "instance": tf.int32, "image": tf.uint8}
MAPS = ("label", "instance")  # stored [T, H, W]; the pipeline adds the channel axis
AUGMENT_SALT = 4  # apart from the image layouts' augmentation (0-2) and domain choice (3) streams


def flow_keys(video: ml_collections.ConfigDict) -> list[str]:
    """"flow" and one "flow_t{s}" per temporal scale s >= 1."""
    return ["flow"] + [f"flow_t{s}" for s in range(1, video.n_scales_temporal)]


def flow_pairs(frames: np.ndarray, video: ml_collections.ConfigDict) -> dict[str, np.ndarray]:
    """Pairs (i, j) int64 [m, 2] of original frame indices whose flow i -> j each key holds, for the sampled
    ``frames``; (-1, -1) marks a pair whose earlier frame would precede the first sampled frame.

    "flow": every sampled frame after the first to the one before it. "flow_t{s}": every frame that is
    ever among a chunk's new frames (sampled index >= n_frames_G - 1) to the frame n_frames_D**s earlier.
    """
    pairs = {"flow": np.stack([frames[1:], frames[:-1]], axis=1)}
    later = np.arange(video.n_frames_G - 1, len(frames))
    for s in range(1, video.n_scales_temporal):
        earlier = later - video.n_frames_D**s
        known = earlier >= 0
        skipped = np.full((len(later), 2), -1, np.int64)
        skipped[known] = np.stack([frames[later[known]], frames[earlier[known]]], axis=1)
        pairs[f"flow_t{s}"] = skipped
    return pairs


def _read_flows(sequences: SequenceSet, sequence: int, pairs: dict[str, np.ndarray], size: tuple[int, int],
                compute: bool) -> list[np.ndarray]:
    """The flows of ``pairs`` from one sequences.flows call; zeros for the marked pairs (and all with
    ``compute`` False, flow "none")."""
    wanted = np.concatenate(list(pairs.values()))
    known = wanted[:, 0] >= 0
    flows = np.zeros((len(wanted), *size, 2), np.float32)
    if compute and known.any():
        flows[known] = sequences.flows(sequence, wanted[known])
    return np.split(flows, np.cumsum([len(p) for p in pairs.values()])[:-1])


def _make_sequences(cfg: ml_collections.ConfigDict, split: str) -> SequenceSet:
    if cfg.source == "synthetic":
        from tf_i2i.data.video.synthetic_sequences import synthetic_sequences

        return synthetic_sequences(cfg, split)
    from tf_i2i.data.video.folder_sequences import folder_sequences

    return folder_sequences(cfg, split)


def _check_lengths(sequences: SequenceSet, video: ml_collections.ConfigDict) -> None:
    """Every sequence must hold one chunk: n_frames_G - 1 previous frames and max_frames_per_step new ones."""
    if not sequences.names:
        raise DatasetError("the video data set has no sequences")
    need = video.n_frames_G - 1 + video.max_frames_per_step
    for name, length in zip(sequences.names, sequences.lengths):
        if length < need:
            raise DatasetError(
                f"sequence {name} has {length} frames; data.video needs at least n_frames_G - 1 + "
                f"max_frames_per_step = {need}"
            )


def _read_sequence(sequences: SequenceSet, cfg: ml_collections.ConfigDict, sequence: int,
                   frames: np.ndarray) -> list[np.ndarray]:
    """The parts of the sampled ``frames`` (requested_parts order), then the flows of each flow key."""
    data = sequences.load(sequence, frames)
    arrays = [np.asarray(data[p], PART_DTYPES[p].as_numpy_dtype) for p in requested_parts(cfg)]
    size = data["image"].shape[1:3]  # every part has the frame size (augment checks)
    return arrays + _read_flows(sequences, sequence, flow_pairs(frames, cfg.video), size, cfg.video.flow != "none")


def _to_tensors(arrays: list[tf.Tensor], sequences: SequenceSet,
                cfg: ml_collections.ConfigDict) -> dict[str, tf.Tensor]:
    """_read_sequence's arrays -> the element's parts (label_parts) and flows, before augmentation."""
    parts = requested_parts(cfg)
    raw = {}
    for name, array in zip(parts, arrays):
        array.set_shape([None, None, None] if name in MAPS else [None, None, None, sequences.channels[name]])
        raw[name] = array[..., None] if name in MAPS else array
    element = label_parts(raw, cfg)
    for name, array in zip(flow_keys(cfg.video), arrays[len(parts):]):
        element[name] = tf.ensure_shape(array, [None, None, None, 2])
    return element


def _chunks(group: dict[str, tf.Tensor], video: ml_collections.ConfigDict) -> tf.data.Dataset:
    """The chunks of a batch of whole sequences ([B, T, ...]; flow [B, T - 1, ...]; flow_t{s} [B, T - n_prev, ...]):
    chunk c starts at sampled frame c * n_new in every key and spans n_prev + n_new frames (flows one fewer,
    flow_t{s} the n_new new frames only)."""
    n_new, n_prev = video.max_frames_per_step, video.n_frames_G - 1
    span = {"flow": n_prev + n_new - 1, **dict.fromkeys(flow_keys(video)[1:], n_new)}
    count = (tf.shape(group["image"], out_type=tf.int64)[1] - n_prev) // n_new

    def chunk(c: tf.Tensor) -> dict[str, tf.Tensor]:
        out = {}
        for name, t in group.items():
            length = span.get(name, n_prev + n_new)
            out[name] = tf.ensure_shape(t[:, c * n_new : c * n_new + length], t.shape[:1] + [length] + t.shape[2:])
        out["chunk"] = tf.fill(tf.shape(out["image"])[:1], tf.cast(c, tf.int32))
        return out

    return tf.data.Dataset.range(count).map(chunk)


def video_dataset(
    cfg: ml_collections.ConfigDict,
    *,
    split: str,
    batch_size: int,
    seed: int,
    deterministic: bool,
    shuffle: bool,
    repeat: bool,
    drop_remainder: bool,
    first_step: int,
) -> tf.data.Dataset:
    """Chunks of ``batch_size`` sequences, one per train step (build_dataset's layout "video"; the keys are in
    docs/datasets.md)."""
    video = cfg.video
    sequences = _make_sequences(cfg, split)
    _check_lengths(sequences, video)
    lengths = np.array(sequences.lengths)
    longest = int(lengths.max())
    n_new, n_prev = video.max_frames_per_step, video.n_frames_G - 1

    def plan(state, group):
        """Sampled frames [B, T] of a group from the step it starts at; the state moves on by its chunks."""
        def run(group, step, number):
            n_frames = scheduled_frames(int(step), video.n_frames_total, video.niter_step, longest, video.n_frames_G)
            rng = np.random.default_rng([seed, int(number)])
            return plan_group(lengths[group].tolist(), n_frames, video.n_frames_G, n_new, video.max_t_step, rng)

        step, number = state
        frames = tf.numpy_function(run, [group, step, number], tf.int64, stateful=False)
        frames.set_shape([None, None])
        chunks = tf.cast(tf.shape(frames)[1] - n_prev, tf.int64) // n_new
        return (step + chunks, number + 1), (group, frames)

    def load(index, sequence, frames):
        dtypes = [PART_DTYPES[p] for p in requested_parts(cfg)] + [tf.float32] * len(flow_keys(video))
        arrays = tf.numpy_function(lambda s, f: _read_sequence(sequences, cfg, int(s), f), [sequence, frames],
                                   dtypes, stateful=False)
        key = tf.random.experimental.stateless_fold_in(tf.constant([seed, AUGMENT_SALT], tf.int64), index)
        return augment(_to_tensors(arrays, sequences, cfg), cfg, key, flows=flow_keys(video))

    groups = epoch_indices(len(lengths), seed, shuffle, repeat).batch(batch_size, drop_remainder=drop_remainder)
    plans = groups.scan((tf.constant(first_step, tf.int64), tf.constant(0, tf.int64)), plan)
    rows = plans.flat_map(lambda group, frames: tf.data.Dataset.from_tensor_slices((group, frames))).enumerate()
    # Rows of a group must stay together: they are batched back into their group below.
    ds = rows.map(lambda index, row: load(index, *row), num_parallel_calls=cfg.num_parallel_calls,
                  deterministic=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder).flat_map(lambda group: _chunks(group, video))
    ds = ds.prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.deterministic = deterministic
    return ds.with_options(options)
