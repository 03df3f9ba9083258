"""The loop leaves each step's logs on the device and reads them to the host only when it reports
(every train.log_every steps), and what it reports are still the interval means."""

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_training import read_summaries, tiny_config
from tf_i2i.training import loop, progress
from tf_i2i.training.loop import train
from tf_i2i.training.progress import Progress

STEPS, LOG_EVERY = 6, 3


@pytest.mark.timeout(180)
def test_logs_are_read_once_per_report_and_logged_as_interval_means(tmp_path, monkeypatch):
    reads, added = [], []
    read, add = progress.to_host, Progress.add

    def counted_read(values):
        reads.append(sorted(values))
        return read(values)

    def recorded_add(self, logs):
        added.append(dict(logs))
        add(self, logs)

    for module in (progress, loop):
        monkeypatch.setattr(module, "to_host", counted_read)
    monkeypatch.setattr(Progress, "add", recorded_add)
    config = tiny_config("pix2pix", train__num_steps=STEPS, train__log_every=LOG_EVERY,
                         train__sample_every=100, train__checkpoint_every=100)
    result = train(config, tmp_path)

    assert len(added) == STEPS
    assert all(isinstance(value, tf.Tensor) for logs in added for value in logs.values()), \
        "the loop read a step's logs to the host"
    assert len(reads) == STEPS // LOG_EVERY + 1  # one per report, and the last step's logs for TrainResult
    names = sorted(added[0])
    assert reads == [names] * len(reads)
    assert result.last_logs == {name: float(value) for name, value in added[-1].items()}

    scalars, _ = read_summaries(tmp_path / "logs")
    for name in names:
        tag = f"lr/{name}" if name.startswith("lr") else f"loss/{name}"
        for end in range(LOG_EVERY, STEPS + 1, LOG_EVERY):
            interval = [float(logs[name]) for logs in added[end - LOG_EVERY:end]]
            np.testing.assert_allclose(scalars[tag][end], np.mean(interval), rtol=1e-6, err_msg=f"{tag} @ {end}")
    assert len({float(added[s]["g_gan"]) for s in range(STEPS)}) > 1, "constant logs would not test the means"


def test_progress_sums_stay_tensors_and_average_in_float32():
    tracker = Progress(total_steps=4, start_step=0)
    for value in (1.0, 2.0, 4.0):
        tracker.add({"loss": tf.constant(value, tf.bfloat16), "lr": value})
    assert all(isinstance(v, tf.Tensor) and v.dtype == tf.float32 for v in tracker.sums.values())
    line, means = tracker.report(3)
    assert means["loss"] == pytest.approx(7 / 3) and means["lr"] == pytest.approx(7 / 3)
    assert line.startswith("step 3/4 |") and "loss=2.333" in line
    assert tracker.count == 0 and not tracker.sums
