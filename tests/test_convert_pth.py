"""The torch-free .pth reader: exact values from real torch.save files (zip and legacy formats),
and refusal of anything that is not plain tensor data (code in the pickle, out-of-bounds views,
entries larger than the file or the cap, non-numeric .npz arrays), as one line from tools/convert.py.

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
from tests.tool_host import REPO, shared_host
from tf_i2i.convert.pth import entry_limit, load_state_dict, read_pth
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


def test_oversized_entries_are_refused_by_name_before_any_memory_is_asked(tmp_path, torch_like_pickle):
    """A storage the file cannot hold (legacy format: read by the count it claims) and a tensor over
    the cap (a 10^6 x 10^6 view of one element, 4 TB) are errors, not terabyte requests."""
    legacy = tmp_path / "legacy.pth"
    legacy.write_bytes(pickle.dumps(0x1950A86A20F9469CFC6C, 2) + pickle.dumps(1001, 2)
                       + pickle.dumps({"little_endian": True}, 2) + torch_like_pickle({"w": ("0", 4, 0, (4,), (1,))})
                       + pickle.dumps(["0"], 2) + (1 << 40).to_bytes(8, "little") + bytes(16))
    with pytest.raises(ConversionError, match=rf"^{legacy}: storage 0 holds 16 bytes, needs {4 << 40}$"):
        read_pth(legacy)
    huge = write_zip(tmp_path / "huge.pth", torch_like_pickle({"w": ("0", 1, 0, (10**6, 10**6), (0, 0))}),
                     {"0": bytes(4)})
    with pytest.raises(ConversionError, match=r"huge.pth: entry 'w' \(shape \(1000000, 1000000\)\) would take "
                                              r"4000000000000 bytes, over the limit of 2147483648 for one entry"):
        read_pth(huge)
    small = write_zip(tmp_path / "small.pth", torch_like_pickle({"w": ("0", 1024, 0, (1024,), (1,))}),
                      {"0": bytes(4096)})
    assert read_pth(small)["w"].shape == (1024,)
    with entry_limit(1024), pytest.raises(ConversionError, match="entry 'w' .* over the limit of 1024"):
        read_pth(small)


def test_convert_tool_reports_missing_files_bad_npz_and_oversized_entries_in_one_line(tmp_path):
    np.savez(tmp_path / "objects.npz", w=np.array([{"a": 1}], dtype=object))
    np.savez(tmp_path / "big.npz", w=np.zeros(1 << 19, np.float32))  # 2 MiB
    runs = {checkpoint: shared_host().run(REPO / "tools" / "convert.py", [
        "--model=pix2pix", f"--checkpoint={tmp_path / checkpoint}", f"--output={tmp_path / 'out'}", *more],
        cwd=REPO, timeout=120) for checkpoint, *more in (
        ("missing.pth",), ("objects.npz",), ("big.npz", "--max_entry_mb=1"))}
    expected = {"missing.pth": f"error: no such file: --checkpoint={tmp_path / 'missing.pth'}",
                "objects.npz": f"error: {tmp_path / 'objects.npz'}: entry 'w' holds object values, not numbers",
                "big.npz": f"error: {tmp_path / 'big.npz'}: entry 'w' (shape (524288,)) would take 2097152 bytes, "
                           "over the limit of 1048576"}
    for checkpoint, run in runs.items():
        assert run.returncode == 2 and "Traceback" not in run.output, run.output
        (line,) = [line for line in run.output.splitlines() if line.startswith("error:")]
        assert line.startswith(expected[checkpoint]), run.output
    assert not (tmp_path / "out").exists()
