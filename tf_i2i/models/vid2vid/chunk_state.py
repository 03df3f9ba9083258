"""What a vid2vid training step hands to the next one: a sequence is trained in chunks (one chunk per
step, official train.py), and each chunk continues from the previous chunk's last generated frames
and the temporal discriminators' frame history.

The values live in per-replica variables (ON_READ: each replica of a MirroredStrategy keeps its own,
as each trains its own sequences) held outside the model's tracked attributes, so checkpoints leave
them out: a resumed run starts a fresh sequence (data chunk 0), which resets them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf


def _local_variable(shape: Sequence[int], dtype: tf.DType, name: str) -> tf.Variable:
    return tf.Variable(tf.zeros(shape, dtype), trainable=False, name=name,
                       synchronization=tf.VariableSynchronization.ON_READ,
                       aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)


class ChunkState:
    """Per-replica carry-over between the chunks of the sequences being trained.

    `previous[k]`: the last n_frames_G - 1 generated frames at pyramid level k (0 = full size), the
    next chunk's previous-frame input; `history[name]`: the newest frames of the real and generated
    videos and their reference flows that the temporal discriminators still need
    ([B, history_length, H, W, C] each, oldest first); `filled`: how many of those history frames
    belong to the current sequence."""

    def __init__(self, previous_shapes: Sequence[Sequence[int]], history_shapes: dict[str, Sequence[int]]):
        self.previous = [_local_variable(shape, tf.float32, f"vid2vid_previous{k}")
                         for k, shape in enumerate(previous_shapes)]
        self.history = {name: _local_variable(shape, tf.float32, f"vid2vid_history_{name}")
                        for name, shape in history_shapes.items()}
        self.filled = _local_variable([], tf.int32, "vid2vid_history_filled")

    def carried_previous(self, starts: tf.Tensor, first: Sequence[tf.Tensor]) -> list[tf.Tensor]:
        """The previous frames this chunk starts from: `first` (the sequence's given frames) when the
        chunk `starts` a sequence, else what the last chunk left."""
        return [tf.where(starts, f, tf.cast(v, f.dtype)) for f, v in zip(first, self.previous)]

    def carried_history(self, starts: tf.Tensor) -> tuple[dict[str, tf.Tensor], tf.Tensor]:
        """(history tensors, how many of their newest frames are of this sequence: 0 when it starts)."""
        filled = tf.where(starts, tf.constant(0, tf.int32), self.filled.read_value())
        return {name: v.read_value() for name, v in self.history.items()}, filled

    def keep(self, previous: Sequence[tf.Tensor], history: dict[str, tf.Tensor], filled: tf.Tensor) -> list:
        """Stores this chunk's carry-over (detached); returns the assign ops."""
        ops = [v.assign(tf.cast(tf.stop_gradient(p), tf.float32)) for v, p in zip(self.previous, previous)]
        ops += [self.history[name].assign(tf.cast(tf.stop_gradient(h), tf.float32)) for name, h in history.items()]
        ops.append(self.filled.assign(filled))
        return ops
