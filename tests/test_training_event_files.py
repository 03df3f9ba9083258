"""After a resume TensorBoard holds one point per step: the events a killed run wrote past its
last checkpoint are dropped when the run resumes from that checkpoint."""

import collections
from pathlib import Path

import pytest
import tensorflow as tf

from tests.helpers_training import tiny_config
from tf_i2i.training.event_files import drop_events_after
from tf_i2i.training.loop import train


def _points(logdir: Path) -> collections.Counter:
    """(tag, step) -> how many events of all the event files hold it."""
    points = collections.Counter()
    for path in logdir.glob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            points.update((value.tag, event.step) for value in event.summary.value)
    return points


@pytest.mark.timeout(180)
def test_resume_leaves_one_point_per_step(tmp_path):
    config = tiny_config("pix2pix", train__num_steps=5, train__checkpoint_every=3, train__sample_every=1)
    train(config, tmp_path)
    # What a kill after step 5 was logged but before its checkpoint leaves: the newest checkpoint is step 3.
    for path in (tmp_path / "checkpoints").glob("ckpt-5.*"):
        path.unlink()
    tf.compat.v1.train.update_checkpoint_state(str(tmp_path / "checkpoints"), "ckpt-3")
    assert max(step for _, step in _points(tmp_path / "logs")) == 5

    train(config, tmp_path)

    points = _points(tmp_path / "logs")
    assert {step for _, step in points} == {1, 2, 3, 4, 5}
    assert all(count == 1 for count in points.values()), [p for p, n in points.items() if n > 1]


def test_a_truncated_event_file_keeps_its_complete_events(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        for step in (1, 2, 3):
            tf.summary.scalar("loss", 0.5, step=step)
    (path,) = tmp_path.glob("events.out.tfevents.*")
    path.write_bytes(path.read_bytes()[:-5])  # a kill in the middle of the last record

    assert drop_events_after(tmp_path, 1) == 1  # step 2 dropped; step 3 was never complete
    assert sorted(step for _, step in _points(tmp_path)) == [1]
