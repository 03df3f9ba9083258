"""Reads official PyTorch checkpoints (.pth/.pt) without torch, and never runs code from them.

torch.save writes a pickle whose tensors refer to raw storages: in a zip archive
(`<name>/data.pkl` + `<name>/data/<key>`, torch >= 1.6) or, in the legacy format (the 2017-2019
pretrained models), in the same stream right after the pickle. Unpickling can call any importable
function, so our unpickler maps only the globals a state_dict needs (OrderedDict, the tensor
rebuild functions, typed storages) to local stand-ins that build numpy arrays, and refuses the rest.

Sizes are checked before any memory is asked for: a storage must fit in the bytes the file holds
for it, and no entry (storage, tensor or .npz array) may exceed the cap entry_limit sets
(DEFAULT_MAX_ENTRY_BYTES; tools/convert.py --max_entry_mb), so a crafted header claiming a huge
tensor is an error naming it, not a request for terabytes.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import io
import math
import pickle
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDict

DEFAULT_MAX_ENTRY_BYTES = 2 << 30  # 2 GiB: official generators' largest tensors are tens of MB
_max_entry_bytes = contextvars.ContextVar("max_entry_bytes", default=DEFAULT_MAX_ENTRY_BYTES)
_NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001
# torch typed storage -> numpy type (bfloat16 has none: read as its 16 bits, widened to float32).
_STORAGE_DTYPES = {
    "FloatStorage": "f4", "DoubleStorage": "f8", "HalfStorage": "f2", "BFloat16Storage": "u2",
    "LongStorage": "i8", "IntStorage": "i4", "ShortStorage": "i2", "CharStorage": "i1",
    "ByteStorage": "u1", "BoolStorage": "?",
}


@dataclass(frozen=True)
class _StorageType:
    name: str


@dataclass
class _Storage:
    key: str
    type_name: str
    numel: int


@dataclass
class _TensorRef:
    """A tensor as its storage, offset, size and stride (in elements), resolved once data is read."""

    storage: Any
    offset: Any
    size: Any
    stride: Any


def _rebuild_tensor(storage, storage_offset, size, stride, *_grad_hooks_metadata) -> _TensorRef:
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, _requires_grad, _backward_hooks):
    return data


_ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only _ALLOWED_GLOBALS and torch storage types; records the storages referenced."""

    def __init__(self, file: BinaryIO, source: str):
        super().__init__(file)
        self.source = source
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_GLOBALS:
            return _ALLOWED_GLOBALS[module, name]
        if module in ("torch", "torch.cuda") and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise ConversionError(
            f"{self.source}: refusing to unpickle {module}.{name}: only state_dicts of plain tensors "
            "are read (a checkpoint pickle can run arbitrary code)")

    def persistent_load(self, pid):
        ok = (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == "storage"
              and isinstance(pid[1], _StorageType) and isinstance(pid[4], int))
        if not ok:
            raise ConversionError(f"{self.source}: unsupported storage reference {str(pid)[:120]}")
        if len(pid) == 6 and pid[5] is not None:
            raise ConversionError(f"{self.source}: storage views (torch < 0.4 checkpoints) are not supported")
        key = str(pid[2])
        return self.storages.setdefault(key, _Storage(key, pid[1].name, pid[4]))

    def load_checked(self) -> Any:
        """load(), with a malformed pickle reported as a ConversionError."""
        try:
            return self.load()
        except ConversionError:
            raise
        except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError, IndexError,
                KeyError) as e:
            raise ConversionError(f"{self.source}: not a readable torch.save pickle: {e}") from e


@contextlib.contextmanager
def entry_limit(max_bytes: int) -> Iterator[None]:
    """Within this block, checkpoint entries larger than `max_bytes` are refused."""
    token = _max_entry_bytes.set(max_bytes)
    try:
        yield
    finally:
        _max_entry_bytes.reset(token)


def _check_size(source: str, what: str, needed: int, available: int | None = None) -> None:
    """Refuses an entry of `needed` bytes over the cap, or over the `available` bytes the file holds for it."""
    if available is not None and needed > available:
        raise ConversionError(f"{source}: {what} holds {available} bytes, needs {needed}")
    cap = _max_entry_bytes.get()
    if needed > cap:
        raise ConversionError(f"{source}: {what} would take {needed} bytes, over the limit of {cap} for one "
                              "entry (tools/convert.py --max_entry_mb)")


def _itemsize(storage: _Storage) -> int:
    return np.dtype(_STORAGE_DTYPES[storage.type_name]).itemsize


def _storage_array(raw: bytes, storage: _Storage, big_endian: bool, source: str) -> np.ndarray:
    dtype = np.dtype(_STORAGE_DTYPES[storage.type_name]).newbyteorder(">" if big_endian else "<")
    _check_size(source, f"storage {storage.key}", storage.numel * dtype.itemsize, len(raw))
    array = np.frombuffer(raw, dtype, count=storage.numel).astype(dtype.newbyteorder("="))
    if storage.type_name == "BFloat16Storage":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return array


def _ints(value, what: str, source: str) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise ConversionError(f"{source}: malformed tensor {what} {str(value)[:80]}")
    return tuple(value)


def _tensor(ref: _TensorRef, storage_array: Callable[[_Storage], np.ndarray], source: str, entry: str) -> np.ndarray:
    """Copies the strided view out of its storage, after checking its size and that it stays inside the storage."""
    if not isinstance(ref.storage, _Storage):
        raise ConversionError(f"{source}: a tensor without a storage")
    size, stride = _ints(ref.size, "size", source), _ints(ref.stride, "stride", source)
    (offset,) = _ints((ref.offset,), "offset", source)
    if len(size) != len(stride):
        raise ConversionError(f"{source}: tensor size {size} and stride {stride} differ in rank")
    _check_size(source, f"entry {entry} (shape {size})", math.prod(size) * _itemsize(ref.storage))
    base = storage_array(ref.storage)
    if 0 in size:
        return np.zeros(size, base.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= base.size:
        raise ConversionError(f"{source}: tensor reaches element {last} of a {base.size}-element storage")
    view = np.lib.stride_tricks.as_strided(base[offset:], size, [s * base.itemsize for s in stride])
    return view.copy()


def _materialize(obj, storage_array: Callable[[_Storage], np.ndarray], source: str, entry: str = ""):
    """Replaces every _TensorRef in dicts/lists/tuples by its numpy array; `entry` names where it is."""
    if isinstance(obj, _TensorRef):
        return _tensor(obj, storage_array, source, repr(entry))
    if isinstance(obj, dict):
        return {k: _materialize(v, storage_array, source, f"{entry}.{k}" if entry else str(k)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialize(v, storage_array, source, f"{entry}[{i}]") for i, v in enumerate(obj))
    return obj


def _cached(read: Callable[[_Storage], np.ndarray]) -> Callable[[_Storage], np.ndarray]:
    """Reads each storage once, however many tensors share it."""
    cache: dict[str, np.ndarray] = {}

    def get(storage: _Storage) -> np.ndarray:
        if storage.key not in cache:
            cache[storage.key] = read(storage)
        return cache[storage.key]

    return get


def _read_zip(path: Path) -> Any:
    source = str(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise ConversionError(f"{source}: not a torch.save archive (no single <name>/data.pkl)")
        prefix = pickles[0][: -len("data.pkl")]
        big_endian = f"{prefix}byteorder" in names and archive.read(f"{prefix}byteorder").strip() == b"big"
        unpickler = _RestrictedUnpickler(io.BytesIO(archive.read(pickles[0])), source)
        obj = unpickler.load_checked()

        def read(storage: _Storage) -> np.ndarray:
            name = f"{prefix}data/{storage.key}"
            if name not in names:
                raise ConversionError(f"{source}: missing storage record {name}")
            needed = storage.numel * _itemsize(storage)
            _check_size(source, f"storage {storage.key}", needed, archive.getinfo(name).file_size)
            with archive.open(name) as record:
                return _storage_array(record.read(needed), storage, big_endian, source)

        return _materialize(obj, _cached(read), source)


def _read_legacy(path: Path) -> Any:
    """Legacy torch.save: pickles of magic, protocol and sys_info, the object, the storage keys,
    then each storage as a little-endian int64 element count followed by its raw bytes."""
    source = str(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        if _RestrictedUnpickler(f, source).load_checked() != _LEGACY_MAGIC:
            raise ConversionError(f"{source}: not a torch.save checkpoint (neither a zip archive nor "
                                  "the legacy format's magic number)")
        if _RestrictedUnpickler(f, source).load_checked() != _LEGACY_PROTOCOL:
            raise ConversionError(f"{source}: unsupported legacy torch.save protocol")
        sys_info = _RestrictedUnpickler(f, source).load_checked()
        big_endian = isinstance(sys_info, dict) and sys_info.get("little_endian") is False
        main = _RestrictedUnpickler(f, source)
        obj = main.load_checked()
        raw = {}
        for key in _RestrictedUnpickler(f, source).load_checked():
            storage = main.storages.get(str(key))
            if storage is None:
                raise ConversionError(f"{source}: storage {key} is listed but no tensor uses it")
            needed = int.from_bytes(f.read(8), "little") * _itemsize(storage)
            _check_size(source, f"storage {storage.key}", needed, size - f.tell())
            raw[storage.key] = f.read(needed)
    return _materialize(obj, _cached(lambda s: _storage_array(raw[s.key], s, big_endian, source)), source)


def read_pth(path: str | Path) -> Any:
    """The object torch.save wrote (typically a state_dict), with tensors as numpy arrays."""
    path = Path(path)
    with _readable(path):
        return _read_zip(path) if zipfile.is_zipfile(path) else _read_legacy(path)


@contextlib.contextmanager
def _readable(path: Path) -> Iterator[None]:
    """A missing or unreadable file (or a broken archive) as one ConversionError naming it."""
    try:
        yield
    except OSError as err:
        raise ConversionError(f"{path}: cannot read it: {err.strerror or err}") from err
    except zipfile.BadZipFile as err:
        raise ConversionError(f"{path}: not a readable archive: {err}") from err


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of an .npz, each checked from its header before it is read: numeric (no object
    arrays, which need pickle), within the bytes the file holds for it and the entry cap."""
    path = Path(path)
    source, arrays = str(path), {}
    with _readable(path), zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            key = info.filename.removesuffix(".npy")
            with archive.open(info) as f:
                try:
                    version = np.lib.format.read_magic(f)
                    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0)
                    shape, fortran_order, dtype = read_header(f)
                except ValueError as err:
                    raise ConversionError(f"{source}: entry {key!r} is not a .npy array: {err}") from err
                if dtype.kind not in _NUMERIC_KINDS:
                    raise ConversionError(f"{source}: entry {key!r} holds {dtype} values, not numbers: a "
                                          "state_dict holds numeric tensors only")
                count = math.prod(shape)
                _check_size(source, f"entry {key!r} (shape {shape})", count * dtype.itemsize, info.file_size - f.tell())
                data = np.frombuffer(f.read(count * dtype.itemsize), dtype, count)
                arrays[key] = data.reshape(shape, order="F" if fortran_order else "C").copy()
    return arrays


def _state_dict(obj: Any, source: str) -> StateDict:
    """A flat {name: array} mapping as a StateDict, without nn.DataParallel's `module.` prefix."""
    if not isinstance(obj, Mapping):
        raise ConversionError(f"{source}: holds a {type(obj).__name__}, not a state_dict")
    other = [k for k, v in obj.items() if not (isinstance(k, str) and isinstance(v, np.ndarray))]
    if other:
        raise ConversionError(f"{source}: not a flat state_dict of tensors; non-tensor entries: {other[:8]}")
    arrays = dict(obj)
    if arrays and all(k.startswith("module.") for k in arrays):
        arrays = {k[len("module."):]: v for k, v in arrays.items()}
    return StateDict(arrays, source=source)


def load_state_dict(path: str | Path) -> StateDict:
    """An official state_dict from a .pth/.pt checkpoint or an .npz of the same keys; the `module.`
    prefix nn.DataParallel adds is removed."""
    path = Path(path)
    if path.suffix == ".npz":
        return _state_dict(read_npz(path), str(path))
    if path.suffix in (".pth", ".pt"):
        return _state_dict(read_pth(path), str(path))
    raise ConversionError(f"{path}: expected a .pth, .pt or .npz file")


def load_state_dicts(path: str | Path, names: tuple[str, ...]) -> dict[str, StateDict]:
    """The state_dicts a trainer saved together in one .pt file, e.g. MUNIT/UNIT's
    gen_<iter>.pt = {'a': gen_a.state_dict(), 'b': gen_b.state_dict()}; other entries are ignored."""
    path = Path(path)
    if path.suffix not in (".pth", ".pt"):
        raise ConversionError(f"{path}: expected a .pth or .pt file")
    obj = read_pth(path)
    if not isinstance(obj, Mapping) or not all(name in obj for name in names):
        found = sorted(map(str, obj)) if isinstance(obj, Mapping) else type(obj).__name__
        raise ConversionError(f"{path}: expected a dict with entries {list(names)} (one state_dict each), "
                              f"found {found}")
    return {name: _state_dict(obj[name], f"{path}[{name!r}]") for name in names}
