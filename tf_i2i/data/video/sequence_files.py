"""Find the sequences of the official temporal layout and match their frames across parts.

A part folder (``<split>_A``, ``<split>_B``, ``<split>_inst``) holds one sequence per folder of
frames, at any depth (its path under the part folder is the sequence's name), or per video file
(``<seq>.mp4``; name without the extension; frames from the frame cache, video_files.py). Every
sequence must be in every part. Frames of folders pair by stem in sorted order (files.match_partners);
a video's frames pair with the other part's frames by position.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import ml_collections

from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import IMAGE_EXTENSIONS, list_images, match_partners
from tf_i2i.data.video.video_files import VIDEO_EXTENSIONS, is_video, video_frames

MAP_PARTS = ("label", "instance")  # ids that a lossy video would change: PNG frames only


@dataclasses.dataclass(frozen=True)
class SequenceFiles:
    """One sequence: where each part comes from (frame folder or video) and its index-aligned frame files."""

    name: str
    sources: dict[str, Path]
    frames: dict[str, list[str]]

    @property
    def first_part(self) -> str:
        """The input frames' part (edges mode: the real frames), which messages name."""
        return next(iter(self.frames))

    @property
    def length(self) -> int:
        return len(self.frames[self.first_part])


def part_folders(cfg: ml_collections.ConfigDict, root: Path, split: str) -> dict[str, Path]:
    """The part folders a video data config reads, the input frames' part first (edges mode: B)."""
    folders = {}
    if not cfg.video.edges:
        folders["label_image" if cfg.num_classes == 0 else "label"] = root / f"{split}_A"
    if cfg.use_image or cfg.video.edges:
        folders["image"] = root / f"{split}_B"
    if cfg.use_instance:
        folders["instance"] = root / f"{split}_inst"
    return folders


def find_sequences(folder: Path) -> dict[str, Path]:
    """Sequence name -> its frame folder or video file, for every sequence under the part ``folder``."""
    if not folder.is_dir():
        raise DatasetError(f"folder missing: {folder} does not exist or is not a directory")
    found: dict[str, Path] = {}
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        here = Path(dirpath)
        if os.path.realpath(here) in seen:  # a link back up the tree: walked already
            dirnames[:] = []
            continue
        seen.add(os.path.realpath(here))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files = [here / f for f in sorted(filenames) if not f.startswith(".")]
        sources = [path for path in files if is_video(path)]
        if here != folder and any(path.suffix.lower() in IMAGE_EXTENSIONS for path in files):
            sources.append(here)
        for source in sources:
            relative = source.relative_to(folder)
            name = (relative.with_suffix("") if is_video(source) else relative).as_posix()
            if name in found:
                raise DatasetError(
                    f"ambiguous sequence: {found[name]} and {source} are both sequence {name!r}; keep one"
                )
            found[name] = source
    if not found:
        raise DatasetError(
            f"no sequences in {folder}: expected one folder of frames per sequence ({folder}/<seq>/*.png) "
            f"or video files ({folder}/<seq>{{{','.join(VIDEO_EXTENSIONS)}}})"
        )
    return found


def _frames_by_position(name: str, sources: dict[str, Path], lists: dict[str, list[Path]]) -> dict[str, list[str]]:
    """Frame lists of a sequence with a video part, paired by position: all must have the same length."""
    counts = {part: len(frames) for part, frames in lists.items()}
    short, long = min(counts, key=counts.get), max(counts, key=counts.get)
    if counts[short] != counts[long]:
        raise DatasetError(
            f"missing partner: sequence {name!r} frame {counts[short]} ({lists[long][counts[short]]}) of "
            f"{sources[long]} has no partner in {sources[short]}, which has {counts[short]} frames "
            "(a video's frames pair with the other parts' frames by position)"
        )
    return {part: [str(path) for path in frames] for part, frames in lists.items()}


def _sequence_frames(name: str, sources: dict[str, Path], root: Path, strict: bool) -> dict[str, list[str]]:
    for part, source in sources.items():
        if is_video(source) and part in MAP_PARTS:
            raise DatasetError(
                f"{part} maps cannot come from a video file: {source} (lossy compression changes ids); "
                f"give sequence {name!r} as PNG frames in {source.with_suffix('')}/"
            )
    lists = {part: video_frames(s, root) if is_video(s) else list_images(s, strict) for part, s in sources.items()}
    if any(is_video(source) for source in sources.values()):
        return _frames_by_position(name, sources, lists)
    return match_partners(sources, key=lambda stem: stem, files=lists)


def collect_sequences(root: Path, folders: dict[str, Path], strict: bool) -> list[SequenceFiles]:
    """Every sequence of the part ``folders`` (under the data root ``root``), sorted by name, with its
    frames matched across parts; a sequence or frame without a partner is a DatasetError naming it."""
    found = {part: find_sequences(folder) for part, folder in folders.items()}
    names = sorted(set().union(*found.values()))
    for name in names:
        having = next(part for part in folders if name in found[part])
        for part, folder in folders.items():
            if name not in found[part]:
                raise DatasetError(
                    f"missing partner: sequence {name!r} ({found[having][name]}) is not in {folder} "
                    f"(expected a folder {name}/ of frames or a video file {name}.mp4)"
                )
    sequences = []
    for name in names:
        sources = {part: found[part][name] for part in folders}
        sequences.append(SequenceFiles(name, sources, _sequence_frames(name, sources, root, strict)))
    return sequences
