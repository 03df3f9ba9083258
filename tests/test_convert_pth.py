"""The torch-free .pth reader: exact values from real torch.save files (zip and legacy formats),
and refusal of anything that is not plain tensor data (code in the pickle, out-of-bounds views).

tests/data/pth/torch_{zip,legacy}.pth were written by torch 2.13 `torch.save` (the legacy one with
_use_new_zipfile_serialization=False) from a dict of float32/16/64, bfloat16, int64/32, uint8,
bool, 0-d, empty, transposed, sliced and storage-sharing tensors; expected.npz holds the same
tensors as torch's .numpy() (bfloat16 widened to float32).
"""

import collections
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from tests.pth_writer import FakeTorch, write_zip
from tf_i2i.convert.pth import load_state_dict, read_pth
from tf_i2i.convert.state_dict import ConversionError

DATA = Path(__file__).resolve().parent / "data" / "pth"


@pytest.mark.parametrize("name", ["torch_zip.pth", "torch_legacy.pth"])
def test_reads_real_torch_save_files_exactly(name):
    got = read_pth(DATA / name)
    with np.load(DATA / "expected.npz") as expected:
        assert list(got) == expected.files
        for key in expected.files:
            assert got[key].dtype == expected[key].dtype, key
            np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


def test_torch_save_round_trip_when_torch_is_installed(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed here (tests/data holds files it wrote)")
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ConvTranspose2d(4, 2, 3))
    wrapped = torch.nn.DataParallel(net)
    torch.save(wrapped.state_dict(), tmp_path / "latest_net_G.pth")
    sd = load_state_dict(tmp_path / "latest_net_G.pth")
    assert sorted(sd.arrays) == sorted(net.state_dict())  # DataParallel's "module." prefix removed
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(sd.arrays[key], value.numpy())


class _Evil:
    def __init__(self, target: Path):
        self.target = str(target)

    def __reduce__(self):
        return os.mkdir, (self.target,)


def test_refuses_pickled_code_without_running_it(tmp_path):
    target = tmp_path / "created_by_pickle"
    payload = pickle.dumps({"weight": _Evil(target)}, protocol=2)
    legacy = tmp_path / "legacy.pth"
    legacy.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, 2) + pickle.dumps(1001, 2)
                       + pickle.dumps({"little_endian": True}, 2) + payload)
    for path in (write_zip(tmp_path / "zip.pth", payload), legacy):
        with pytest.raises(ConversionError, match=r"refusing to unpickle (posix|nt)\.mkdir"):
            read_pth(path)
    assert not target.exists()


@pytest.fixture
def torch_like_pickle(monkeypatch):
    """dumps({name: (storage key, storage numel, offset, size, stride)}) -> a data.pkl as torch writes
    it, so tests can craft files real torch never writes (views outside their storage)."""
    fake = FakeTorch(monkeypatch)

    def dumps(spec: dict) -> bytes:
        return fake.dumps(collections.OrderedDict((k, fake.tensor("FloatStorage", *v)) for k, v in spec.items()))

    return dumps


def test_crafted_tensor_reads_its_strided_view(tmp_path, torch_like_pickle):
    storage = np.arange(12, dtype="<f4")
    path = write_zip(tmp_path / "ok.pth", torch_like_pickle({"w": ("0", 12, 1, (2, 3), (1, 4))}),
                     {"0": storage.tobytes()})
    # element [i, j] = storage[offset + i * 1 + j * 4]
    np.testing.assert_array_equal(read_pth(path)["w"], [[1, 5, 9], [2, 6, 10]])


@pytest.mark.parametrize("spec, stored, message", [
    (("0", 4, 0, (3, 3), (3, 1)), 4, "reaches element 8 of a 4-element storage"),
    (("0", 12, 0, (3, 4), (4, 1)), 5, "storage 0 holds 20 bytes, needs 48"),
    (("0", 4, 0, (2, 2), (1,)), 4, "differ in rank"),
    (("0", 4, -1, (2,), (1,)), 4, "malformed tensor offset"),
    (("1", 4, 0, (2,), (1,)), 4, "missing storage record archive/data/1"),
])
def test_refuses_views_outside_their_storage(tmp_path, torch_like_pickle, spec, stored, message):
    path = write_zip(tmp_path / "bad.pth", torch_like_pickle({"w": spec}),
                     {"0": np.zeros(stored, "<f4").tobytes()})
    with pytest.raises(ConversionError, match=message):
        read_pth(path)


def test_load_state_dict_accepts_npz_and_strips_the_data_parallel_prefix(tmp_path):
    np.savez(tmp_path / "g.npz", **{"module.model.1.weight": np.ones((2, 3, 7, 7), np.float32)})
    sd = load_state_dict(tmp_path / "g.npz")
    assert list(sd.arrays) == ["model.1.weight"] and sd.source.endswith("g.npz")


@pytest.mark.parametrize("name, data_pkl, message", [
    ("list.pth", pickle.dumps([1, 2], 2), "holds a list, not a state_dict"),
    ("nested.pth", pickle.dumps({"epoch": 3}, 2), r"non-tensor entries: \['epoch'\]"),
    ("weights.ckpt", pickle.dumps({}, 2), "expected a .pth, .pt or .npz file"),
])
def test_load_state_dict_wants_a_flat_state_dict(tmp_path, name, data_pkl, message):
    with pytest.raises(ConversionError, match=message):
        load_state_dict(write_zip(tmp_path / name, data_pkl))


def test_not_a_checkpoint_is_a_clear_error(tmp_path):
    (tmp_path / "text.pth").write_text("hello")
    with pytest.raises(ConversionError, match="not a readable torch.save pickle"):
        read_pth(tmp_path / "text.pth")
