"""Files the loop writes (config.json, samples/*.png) appear whole or not at all."""

import pytest

from tf_i2i.training.atomic import replacing, write_atomically


def test_an_interrupted_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "config.json"
    write_atomically(path, b"old")
    with pytest.raises(KeyboardInterrupt), replacing(path) as partial:
        partial.write_bytes(b"half of the ne")
        raise KeyboardInterrupt  # what SIGINT raises mid-write
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
