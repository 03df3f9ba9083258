"""Video data sets in the official temporal layout (vid2vid's ``<split>_A/<seq>/``, ``<split>_B/<seq>/``,
``<split>_inst/<seq>/``; see docs/datasets.md), validated in full before the set is returned.

Frames are validated and decoded by the still-image code (validate.py, decode.py), so the same
rules hold (label maps PNG by content, the channel rules, label ids < num_classes, the
validation cache), and a frame changed after validation is an error naming it
(checked_read.read_checked_now). On top come the sequence checks: every sequence at least
data.video.n_frames_G frames long and one frame size per sequence; with data.video.flow "files",
one flow file per frame from frame 1 on.
"""

from __future__ import annotations

import collections
from pathlib import Path

import ml_collections
import numpy as np

from tf_i2i.data.check_cache import Checked
from tf_i2i.data.checked_read import read_checked_now
from tf_i2i.data.decode import decode_image, decode_instance, decode_label, match_channels
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import FileSet
from tf_i2i.data.validate import check_files, raise_problems
from tf_i2i.data.video.edges import canny_edges, check_edges_config
from tf_i2i.data.video.sequence_files import SequenceFiles, collect_sequences, part_folders
from tf_i2i.data.video.sequence_source import SequenceSet

FLOW_MODES = ("dis", "files", "none")
FLOW_EXTENSIONS = (".flo", ".npy")


def _short_sequences(sequences: list[SequenceFiles], n_frames_g: int) -> list[str]:
    return [
        f"sequence too short: {seq.name!r} ({seq.sources[seq.first_part]}) has {seq.length} frames, "
        f"fewer than data.video.n_frames_G = {n_frames_g}"
        for seq in sequences
        if seq.length < n_frames_g
    ]


def _size_changes(seq: SequenceFiles, checked: list[Checked]) -> list[str]:
    """A frame whose size differs from the sequence's first frame (partners were compared by validation)."""
    paths = seq.frames[seq.first_part]
    first = (checked[0].width, checked[0].height)
    return [
        f"frame size changes within sequence {seq.name!r}: {path} is {c.width}x{c.height} but the first frame "
        f"{paths[0]} is {first[0]}x{first[1]} (width x height); a sequence needs one frame size"
        for path, c in zip(paths, checked)
        if (c.width, c.height) != first
    ][:1]


def _flow_file_problems(seq: SequenceFiles, folder: Path) -> list[str]:
    """User flow files of one sequence: exactly one per frame from frame 1 on, with the frame's stem."""
    if not folder.is_dir():
        return [f"folder missing: {folder} (flow files of sequence {seq.name!r}, data.video.flow='files') "
                "does not exist or is not a directory"]
    files = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in FLOW_EXTENSIONS and not p.name.startswith(".")]
    stems = collections.Counter(p.stem for p in files)
    frames = [Path(p).stem for p in seq.frames.get("image", seq.frames[seq.first_part])]
    missing = [f"missing flow file: sequence {seq.name!r} frame {stem} has no {stem}.flo or {stem}.npy in {folder}"
               for stem in frames[1:] if stem not in stems]
    extra = [f"flow file without a frame: {p} (sequence {seq.name!r}: every frame but the first, {frames[0]}, "
             "has one flow file, to its previous frame)" for p in files if p.stem not in frames[1:]]
    twice = [f"ambiguous flow file: sequence {seq.name!r} frame {stem} has both {stem}.flo and {stem}.npy in {folder}"
             for stem, count in stems.items() if count > 1]
    return missing + extra + twice


def _validate(sequences: list[SequenceFiles], root: Path, split: str,
              cfg: ml_collections.ConfigDict) -> list[dict[str, list[Checked]]]:
    """Every check, before any frame is used: each sequence's frames' passes per part."""
    raise_problems(_short_sequences(sequences, cfg.video.n_frames_G))
    parts = list(sequences[0].frames)
    every = FileSet({part: [path for seq in sequences for path in seq.frames[part]] for part in parts}, joint=True)
    checked = check_files(every, root, cfg, name=f"{root} [{split}]")
    per_sequence, start = [], 0
    for seq in sequences:
        end = start + seq.length
        per_sequence.append({part: checked[part][start:end] for part in parts})
        start = end
    problems = [p for seq, passes in zip(sequences, per_sequence) for p in _size_changes(seq, passes[parts[0]])]
    if cfg.video.flow == "files":
        problems += [p for seq in sequences for p in _flow_file_problems(seq, root / f"{split}_flow" / seq.name)]
    raise_problems(problems)
    return per_sequence


class _FolderSequences:
    """load and flows of a validated folder data set."""

    def __init__(self, cfg: ml_collections.ConfigDict, root: Path, split: str, sequences: list[SequenceFiles],
                 checked: list[dict[str, list[Checked]]]):
        self._cfg, self._root, self._split = cfg, root, split
        self._sequences = sequences
        self._hashes = [{part: [c.content_hash for c in passes] for part, passes in seq.items()} for seq in checked]
        firsts = [passes[seq.first_part][0] for seq, passes in zip(sequences, checked)]
        self._sizes = [(first.height, first.width) for first in firsts]  # (H, W) of each sequence
        self._flow_cache = None
        channels = {"label": 1, "label_image": cfg.a_channels, "instance": 1, "image": cfg.b_channels}  # edges: a 1
        self.channels = {part: channels[part] for part in self._parts()}

    def _parts(self) -> list[str]:
        """The parts load returns: the input frames (label, label_image or edges), image with use_image, instance."""
        parts = [p for p in self._sequences[0].frames if p != "image" or self._cfg.use_image]
        return (["label_image"] if self._cfg.video.edges else []) + parts

    def _read(self, index: int, part: str, frames: np.ndarray) -> np.ndarray:
        """Decoded frames of one part, with the decoders (and channel rules) of the still layouts."""
        paths, hashes = self._sequences[index].frames[part], self._hashes[index][part]
        out = []
        for i in frames:
            data = read_checked_now(paths[i], hashes[i])
            if part in ("label", "instance"):
                out.append((decode_label if part == "label" else decode_instance)(data).numpy()[..., 0])
            else:
                channels = self._cfg.b_channels if part == "image" else self._cfg.a_channels
                out.append(match_channels(decode_image(data), channels).numpy())
        return np.stack(out)

    def load(self, index: int, frames: np.ndarray) -> dict[str, np.ndarray]:
        frames = np.asarray(frames, np.int64)
        parts = {part: self._read(index, part, frames) for part in self._sequences[index].frames}
        if self._cfg.video.edges:
            images = parts["image"] if self._cfg.use_image else parts.pop("image")
            parts["label_image"] = canny_edges(images, self._cfg.video.canny_low, self._cfg.video.canny_high)
        return {part: parts[part] for part in self._parts()}

    def _real_frame(self, index: int, i: int) -> np.ndarray:
        """Real frame ``i`` for the flow teacher: RGB [H, W, 3], or grey [H, W] with b_channels 1."""
        frame = self._read(index, "image", np.array([i]))[0]
        return frame[..., 0] if frame.shape[-1] == 1 else frame

    def flows(self, index: int, pairs: np.ndarray) -> np.ndarray:
        pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
        mode, seq = self._cfg.video.flow, self._sequences[index]
        if mode == "none":
            return np.zeros((len(pairs), *self._sizes[index], 2), np.float32)
        from tf_i2i.data.video import flow_cache  # the flow teacher: loaded only when flows are asked for

        pair_list = [(int(i), int(j)) for i, j in pairs]
        if mode == "files":
            names = [Path(p).name for p in seq.frames.get("image", seq.frames[seq.first_part])]
            folder = self._root / f"{self._split}_flow" / seq.name
            return np.asarray(flow_cache.UserFlows(folder, names).flows(pair_list), np.float32)
        if "image" not in seq.frames:
            raise DatasetError(
                f"data.video.flow='dis' computes flow from the real frames ({self._split}_B), which "
                "data.use_image=False does not read; set data.video.flow='none'"
            )
        if self._flow_cache is None:
            self._flow_cache = flow_cache.FlowCache(self._root, self._cfg.video.flow_preset)
        # the sequence's name and frame keys in the cache as tools/compute_flow.py gives them
        # (flow_cache.cache_location, frame_file_keys), so the flows it computed are read here
        keys = flow_cache.frame_file_keys(seq.frames["image"])
        flows = self._flow_cache.flows(f"{self._split}_B/{seq.name}", keys, lambda i: self._real_frame(index, i),
                                       pair_list)
        return np.asarray(flows, np.float32)


def folder_sequences(cfg: ml_collections.ConfigDict, split: str) -> SequenceSet:
    """The sequences of the folder ``cfg.source`` for ``split``; raises a DatasetError naming the
    sequence and frame (or file) before returning if anything is wrong."""
    check_edges_config(cfg)
    if cfg.video.flow not in FLOW_MODES:
        raise DatasetError(f"data.video.flow must be one of {FLOW_MODES}, got {cfg.video.flow!r}")
    root = Path(cfg.source).expanduser()
    if not root.is_dir():
        raise DatasetError(f"folder missing: data set root {root} does not exist or is not a directory")
    sequences = collect_sequences(root, part_folders(cfg, root, split), cfg.strict)
    source = _FolderSequences(cfg, root, split, sequences, _validate(sequences, root, split, cfg))
    return SequenceSet(
        names=tuple(seq.name for seq in sequences),
        lengths=tuple(seq.length for seq in sequences),
        channels=source.channels,
        load=source.load,
        flows=source.flows,
    )
