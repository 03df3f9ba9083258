"""Writes torch.save-style files without torch, for reader and converter tests.

Pickle can only name a global that imports, so stand-ins for torch's storage types and
`torch._utils._rebuild_tensor_v2` are put in sys.modules (through pytest's monkeypatch, undone
after the test); the file then holds exactly the references a real torch.save writes."""

from __future__ import annotations

import collections
import io
import pickle
import sys
import types
import zipfile
from pathlib import Path

import numpy as np

_STORAGE_NAMES = {np.dtype("float32"): "FloatStorage", np.dtype("int64"): "LongStorage"}


class FakeTorch:
    """The torch globals a state_dict pickle names, installed in sys.modules for one test."""

    def __init__(self, monkeypatch):
        torch_mod, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
        self.storage_types = {}
        for name in _STORAGE_NAMES.values():
            self.storage_types[name] = type(name, (), {"__module__": "torch"})
            setattr(torch_mod, name, self.storage_types[name])

        def rebuild(*args):
            raise AssertionError("only pickled, never called")

        rebuild.__module__, rebuild.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
        utils._rebuild_tensor_v2 = self.rebuild = rebuild
        monkeypatch.setitem(sys.modules, "torch", torch_mod)
        monkeypatch.setitem(sys.modules, "torch._utils", utils)

    def tensor(self, storage_type: str, key: str, numel: int, offset: int, size, stride):
        """An object that pickles as torch's tensor reference to storage `key`."""
        return _TensorRef(self.rebuild, _StorageRef(self.storage_types[storage_type], key, numel),
                          offset, size, stride)

    def dumps(self, obj) -> bytes:
        buf = io.BytesIO()
        _Pickler(buf, protocol=2).dump(obj)
        return buf.getvalue()


class _StorageRef:
    def __init__(self, storage_type, key: str, numel: int):
        self.pid = ("storage", storage_type, key, "cpu", numel)


class _TensorRef:
    def __init__(self, rebuild, storage: _StorageRef, offset: int, size, stride):
        self.rebuild = rebuild
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce__(self):
        return self.rebuild, self.args


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, _StorageRef) else None


def write_zip(path: Path, data_pkl: bytes, records: dict[str, bytes] | None = None) -> Path:
    """A torch.save-style archive: <name>/data.pkl plus raw storages <name>/data/<key>."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        for key, raw in (records or {}).items():
            z.writestr(f"archive/data/{key}", raw)
    return path


def torch_save(path: Path, obj, monkeypatch) -> Path:
    """torch.save(obj) for nested dicts of float32/int64 numpy arrays (each its own storage)."""
    fake, records = FakeTorch(monkeypatch), {}

    def refs(o):
        if isinstance(o, dict):
            return collections.OrderedDict((k, refs(v)) for k, v in o.items())
        a = np.ascontiguousarray(o)
        key = str(len(records))
        records[key] = a.astype(a.dtype.newbyteorder("<")).tobytes()
        stride = [int(np.prod(a.shape[i + 1:])) for i in range(a.ndim)]
        return fake.tensor(_STORAGE_NAMES[a.dtype], key, a.size, 0, a.shape, stride)

    return write_zip(path, fake.dumps(refs(obj)), records)
