"""Where a sequence's reference flows come from: DIS, computed once per pair of frames and kept
beside the data (FlowCache), or the user's own flow files (UserFlows).

Cache layout: <root>/.tf_i2i_flow/<sequence>/<preset>/<i>-<j>.<key>.npy, one float16 [H, W, 2] file
per pair (half the disk of float32; below 64 px the rounding is under 1/32 px, far below DIS's own
error, and flows fresh from DIS are rounded the same way so a cached and a fresh flow are equal).
<key> is a hash of the two frames' keys (callers give one string per frame that changes when the
frame does, e.g. frame_file_keys), so a changed frame recomputes exactly the pairs it is in; the
stale file of that pair is deleted when the new one is written. Every file is written to a
temporary name and renamed (tf_i2i.atomic), so two processes filling one cache at once never see a
partial file: at worst both compute the same pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import NoReturn

import numpy as np

from tf_i2i import atomic
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.video.flow_files import FLOW_EXTENSIONS, compose_flows, read_flow
from tf_i2i.data.video.flow_teacher import check_preset, dis_flow

CACHE_FOLDER = ".tf_i2i_flow"
_FORMAT = "1"  # part of every pair's key: a new file layout invalidates the old files


def frame_file_keys(paths: Sequence[str | Path]) -> list[str]:
    """A cache key per frame file: its size and modification time in ns. Only a stat per frame, so
    a long data set is keyed at once (a content hash would read every frame at each start); any
    rewrite of a frame changes it, and a data set copied with its times kept (cp -p, rsync -a)
    keeps its cache."""
    keys = []
    for path in paths:
        stat = Path(path).stat()
        keys.append(f"{stat.st_size}-{stat.st_mtime_ns}")
    return keys


def cache_location(sequence_path: str | Path) -> tuple[Path, str]:
    """(FlowCache root, sequence name) of a sequence folder or video file <root>/<split>_B/<seq>:
    <root> and '<split>_B/<seq>', so the flows of every split live in <root>/.tf_i2i_flow/ and
    tools/compute_flow.py fills the cache training reads."""
    path = Path(sequence_path).resolve()
    return path.parent.parent, f"{path.parent.name}/{path.name}"


def _check_sequence_name(sequence: str) -> PurePosixPath:
    name = PurePosixPath(sequence)
    if not sequence or name.is_absolute() or any(part in (".", "..") for part in name.parts):
        raise DatasetError(f"flow cache: sequence name {sequence!r} must be a relative path without '.' or '..'")
    return name


def _size(flow: np.ndarray) -> str:
    return f"{flow.shape[1]}x{flow.shape[0]}"


def _stacked(flows: list[np.ndarray], sequence: str) -> np.ndarray:
    sizes = sorted({_size(f) for f in flows})
    if len(sizes) > 1:
        raise DatasetError(f"sequence {sequence}: flows of different sizes {', '.join(sizes)} "
                           "(frames of one sequence must have one size)")
    return np.stack(flows)


class FlowCache:
    """DIS flows of the sequences under `root`, computed on first use and kept in
    <root>/.tf_i2i_flow/ (see the module doc)."""

    def __init__(self, root: str | Path, preset: str = "medium"):
        self.root = Path(root)
        self.preset = check_preset(preset)

    def folder(self, sequence: str) -> Path:
        """Where the flows of `sequence` (a name, or a relative path such as 'train_B/seq1') are kept."""
        return self.root / CACHE_FOLDER / _check_sequence_name(sequence) / self.preset

    def flows(self, sequence: str, frame_keys: Sequence[str], frame: Callable[[int], np.ndarray],
              pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """float32 [len(pairs), H, W, 2]: the flow from frame i to frame j for each (i, j), read from
        the cache or computed with DIS from frame(i), frame(j) (uint8 RGB or gray) and stored."""
        if not len(pairs):
            raise ValueError("FlowCache.flows needs at least one pair")
        folder = self.folder(sequence)
        frames: dict[int, np.ndarray] = {}

        def loaded(index: int) -> np.ndarray:
            if index not in frames:
                frames[index] = frame(index)
            return frames[index]

        flows = []
        for i, j in pairs:
            i, j = int(i), int(j)
            path = folder / f"{i}-{j}.{self._pair_key(frame_keys[i], frame_keys[j])}.npy"
            flow = _read_cached(path)
            if flow is None:
                try:
                    flow = dis_flow(loaded(i), loaded(j), self.preset)
                except DatasetError as err:
                    raise DatasetError(f"sequence {sequence}, frames {i} and {j}: {err}") from err
                flow = _store(path, flow)
            flows.append(flow)
        return _stacked(flows, sequence)

    def _pair_key(self, key_i: str, key_j: str) -> str:
        return hashlib.sha256("\0".join((_FORMAT, self.preset, key_i, key_j)).encode()).hexdigest()[:16]


def _read_cached(path: Path) -> np.ndarray | None:
    """The cached flow, or None when missing or unreadable (then it is computed again)."""
    try:
        flow = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if flow.ndim != 3 or flow.shape[-1] != 2:
        return None
    return flow.astype(np.float32)


def _store(path: Path, flow: np.ndarray) -> np.ndarray:
    """Writes `flow` as float16 to `path`, deletes the pair's files of other keys; returns what a
    later read gives (the float16-rounded flow)."""
    stored = flow.astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path) as temp, open(temp, "wb") as file:
        np.save(file, stored)
    pair = path.name.split(".", 1)[0]
    for stale in path.parent.glob(f"{pair}.*.npy"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return stored.astype(np.float32)


class UserFlows:
    """Flows the user made elsewhere (e.g. FlowNet2 or RAFT), read instead of DIS: `folder`
    (<split>_flow/<seq>/) holds one `.flo` or `.npy` file per frame, the flow from that frame to
    the frame before (frame 0 has none). Flows across k frames are chained from k files.

    With `frame_names` (the sequence's frame file names, in order) the file of frame i has the
    stem of frame_names[i]; without, the sorted flow files are those of frames 1, 2, ..."""

    def __init__(self, folder: str | Path, frame_names: Sequence[str] | None = None):
        self.folder = Path(folder)
        self.sequence = self.folder.name
        self.frame_names = None if frame_names is None else list(frame_names)
        self._files: dict[int, Path] | None = None

    def files(self) -> dict[int, Path]:
        """Frame index -> its flow file."""
        if self._files is None:
            self._files = self._find_files()
        return self._files

    def _find_files(self) -> dict[int, Path]:
        if not self.folder.is_dir():
            raise DatasetError(f"sequence {self.sequence}: flow folder {self.folder} is missing")
        found = sorted(p for p in self.folder.iterdir()
                       if p.suffix.lower() in FLOW_EXTENSIONS and not p.name.startswith("."))
        if self.frame_names is None:
            return {n: path for n, path in enumerate(found, 1)}
        by_stem: dict[str, Path] = {}
        for path in found:
            if path.stem in by_stem:
                raise DatasetError(f"sequence {self.sequence}: two flow files for one frame: "
                                   f"{by_stem[path.stem]} and {path}")
            by_stem[path.stem] = path
        stems = [PurePosixPath(name).stem for name in self.frame_names]
        return {i: by_stem[stem] for i, stem in enumerate(stems) if i > 0 and stem in by_stem}

    def check(self, n_frames: int) -> None:
        """A DatasetError naming the first frame 1 .. n_frames-1 that has no flow file."""
        files = self.files()
        for i in range(1, n_frames):
            if i not in files:
                self._raise_missing(i)

    def _raise_missing(self, i: int) -> NoReturn:
        if self.frame_names is None or i >= len(self.frame_names):
            frame, rule = f"frame {i}", f"the sorted files are those of frames 1, 2, ...; found {len(self.files())}"
        else:
            frame, rule = f"frame {i} ({self.frame_names[i]})", "named with the frame's stem"
        raise DatasetError(f"sequence {self.sequence}: no flow file for {frame} in {self.folder} (one "
                           f"{' or '.join(FLOW_EXTENSIONS)} per frame, the flow to the frame before, {rule})")

    def flows(self, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """float32 [len(pairs), H, W, 2]: the flow from frame i to an earlier frame j for each (i, j),
        the files of frames i, i-1, ..., j+1 chained (compose_flows)."""
        if not len(pairs):
            raise ValueError("UserFlows.flows needs at least one pair")
        files = self.files()
        read: dict[int, np.ndarray] = {}

        def flow_of(frame: int) -> np.ndarray:
            if frame not in files:
                self._raise_missing(frame)
            if frame not in read:
                flow = read_flow(files[frame])
                first = next(iter(read), None)
                if first is not None and read[first].shape != flow.shape:
                    raise DatasetError(f"sequence {self.sequence}: flow files of different sizes: {files[first]} "
                                       f"is {_size(read[first])}, {files[frame]} is {_size(flow)}")
                read[frame] = flow
            return read[frame]

        flows = []
        for i, j in pairs:
            i, j = int(i), int(j)
            if not 0 <= j < i:
                raise ValueError(f"user flows go from a frame to an earlier one, got the pair ({i}, {j})")
            flows.append(compose_flows([flow_of(k) for k in range(i, j, -1)]))
        return np.stack(flows)
