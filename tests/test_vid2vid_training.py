"""vid2vid through the training loop on the built-in synthetic video, tiny: chunks of sequences, a
whole generated video written at the end, and a resumed run continuing the sequence-length schedule."""

import numpy as np
import pytest

from tests.helpers_training import tiny_config
from tf_i2i.data.video.video_files import read_video
from tf_i2i.training import loop


class _Started(Exception):
    """Stops a resumed run once its data stream is made: the test only needs its first step."""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """4 steps; then a resumed run stopped at its data stream, recording the first_step it got."""
    workdir = tmp_path_factory.mktemp("v2v")
    first = loop.train(tiny_config("vid2vid", train__num_steps=4), workdir)
    starts = []

    def recording(*args, **kwargs):
        starts.append(kwargs.get("first_step", 0))
        raise _Started

    original, loop.build_dataset = loop.build_dataset, recording
    try:
        with pytest.raises(_Started):
            loop.train(tiny_config("vid2vid", train__num_steps=6), workdir)
    finally:
        loop.build_dataset = original
    return workdir, first, starts


def test_training_ends_with_a_whole_generated_video(run):
    workdir, first, _ = run
    assert first.step == 4 and all(np.isfinite(v) for v in first.last_logs.values())
    video = read_video(workdir / "samples" / "video.mp4")
    length = tiny_config("vid2vid").data.video.synthetic.n_frames  # the whole first sequence
    assert video.shape == (length, 32, 64, 3)
    assert len(list((workdir / "samples" / "video").glob("*.png"))) == length
    compare = read_video(workdir / "samples" / "video_compare.mp4")
    assert compare.shape == (length, 32, 3 * 64, 3)  # labels | generated | real


def test_a_resumed_run_continues_the_sequence_length_schedule(run):
    _, _, starts = run
    assert starts == [4]  # the resumed run's data stream starts at its checkpoint's step
