"""TensorBoard event files after a resume: a run killed after its last checkpoint had already logged
steps past it, which the resumed run logs again. Those later events are dropped when the run
resumes, so TensorBoard shows one point per step."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf
from absl import logging
from tensorflow.core.util import event_pb2

from tf_i2i.atomic import replacing


def _records(path: Path) -> list[bytes]:
    """Every complete record of an event file (a kill mid-write leaves a truncated last one)."""
    records = []
    try:
        for record in tf.data.TFRecordDataset(str(path)):
            records.append(record.numpy())
    except tf.errors.DataLossError:
        logging.warning("dropped the truncated end of %s", path)
    return records


def drop_events_after(logdir: str | Path, step: int) -> int:
    """Rewrites (atomically) each event file in logdir holding events with step > `step`, keeping
    the others; returns how many events were dropped."""
    dropped = 0
    for path in sorted(Path(logdir).glob("events.out.tfevents.*")):
        records = _records(path)
        kept = [r for r in records if event_pb2.Event.FromString(r).step <= step]
        if len(kept) == len(records):
            continue
        with replacing(path) as partial, tf.io.TFRecordWriter(str(partial)) as writer:
            for record in kept:
                writer.write(record)
        dropped += len(records) - len(kept)
    return dropped
