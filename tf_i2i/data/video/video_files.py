"""Video files in and out, through OpenCV (cv2.VideoCapture / VideoWriter; BGR on its side, RGB here).

A video that stands for a sequence of a data set is decoded once into a frame cache beside the
data, ``<root>/.tf_i2i_frames/<the video's path under root>/000000.png, 000001.png, ...``, so its
frames have random access, are validated like frames in a folder and are files the flow cache can
key (by size and modification time). The folder's ``source.json`` holds the video's size and modification
time; when either changes the video is decoded again. The folder is swapped in whole
(tf_i2i.atomic), so a decode that is killed leaves the previous frames or none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from absl import logging

from tf_i2i import atomic
from tf_i2i.data.check_cache import file_stamp
from tf_i2i.data.errors import DatasetError

VIDEO_EXTENSIONS = (".avi", ".mkv", ".mov", ".mp4")
FRAMES_CACHE = ".tf_i2i_frames"
SOURCE_FILE = "source.json"
FOURCC = "mp4v"  # MPEG-4 Part 2: the encoder every OpenCV wheel has (H.264 needs a system library)
PNG_FAST = [cv2.IMWRITE_PNG_COMPRESSION, 1]  # cache frames: lossless, written fast


def is_video(path: Path) -> bool:
    """Whether ``path`` names a video file by its extension (any case)."""
    return path.suffix.lower() in VIDEO_EXTENSIONS


def _open(path: Path) -> cv2.VideoCapture:
    """An opened capture of ``path``; a file the OS refuses or OpenCV cannot open is a DatasetError naming it."""
    try:
        with open(path, "rb"):
            pass
    except PermissionError as err:
        raise DatasetError(f"permission denied: cannot read {path} ({err.strerror or err})") from err
    except OSError as err:
        raise DatasetError(f"cannot read {path} ({err.strerror or err})") from err
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise DatasetError(f"unreadable video: {path}: OpenCV cannot open it (not a video, or a codec it lacks)")
    return capture


def _bgr_frames(path: Path, max_frames: int | None = None) -> Iterator[np.ndarray]:
    """The frames of ``path`` as OpenCV decodes them (uint8 BGR [H, W, 3]), at most ``max_frames``;
    a video with no frame that decodes is a DatasetError naming it."""
    capture = _open(path)
    announced, count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0
    try:
        while max_frames is None or count < max_frames:
            ok, frame = capture.read()
            if not ok:
                break
            count += 1
            yield frame
    finally:
        capture.release()
    if not count:
        raise DatasetError(f"empty video: {path} has no frame that decodes")
    if max_frames is None and count < announced:
        logging.warning("video %s: %d of the %d frames its header announces decode; using those",
                        path, count, announced)


def read_video(path: str | Path, max_frames: int | None = None) -> np.ndarray:
    """uint8 RGB frames [T, H, W, 3] of a video file (the first ``max_frames`` when given)."""
    frames = [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in _bgr_frames(Path(path), max_frames)]
    return np.stack(frames)


def video_fps(path: str | Path) -> float | None:
    """The frame rate a video file's header gives, None when it gives none."""
    capture = _open(Path(path))
    try:
        fps = capture.get(cv2.CAP_PROP_FPS)
    finally:
        capture.release()
    return float(fps) if fps > 0 else None


def write_video(path: str | Path, frames: np.ndarray, fps: float) -> Path:
    """Write uint8 RGB ``frames`` [T, H, W, 3] as an MPEG-4 (mp4v) video, whole or not at all.

    MPEG-4 needs even sizes: an odd height or width is padded by repeating the last row or column.
    """
    path, frames = Path(path), np.asarray(frames)
    if frames.dtype != np.uint8 or frames.ndim != 4 or frames.shape[-1] != 3 or not len(frames):
        raise ValueError(f"write_video takes uint8 frames [T >= 1, H, W, 3], got {frames.dtype} {frames.shape}")
    if not fps > 0:
        raise ValueError(f"write_video needs a positive frame rate, got fps={fps}")
    if not is_video(path):
        raise DatasetError(f"cannot write video {path}: the name must end with one of {', '.join(VIDEO_EXTENSIONS)}")
    _, height, width, _ = frames.shape
    frames = np.pad(frames, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path) as temp:
        size = (frames.shape[2], frames.shape[1])
        writer = cv2.VideoWriter(str(temp), cv2.VideoWriter_fourcc(*FOURCC), float(fps), size)
        if not writer.isOpened():
            raise DatasetError(f"cannot write video {path}: OpenCV cannot open its {FOURCC!r} encoder for this file")
        try:
            for frame in frames:
                writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        finally:
            writer.release()
    return path


def _cached_count(folder: Path, stamp: tuple[int, int] | None) -> int | None:
    """The frame count of a frame cache made from a video with ``stamp``, or None when absent or stale."""
    try:
        source = json.loads((folder / SOURCE_FILE).read_text())
        return int(source["frames"]) if stamp and [source["size"], source["mtime_ns"]] == list(stamp) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def video_frames(video: Path, root: Path) -> list[Path]:
    """The frames of ``video`` (a file under the data root ``root``) as PNG files in the frame cache,
    decoding it first when the cache is absent or older than the video."""
    folder = root / FRAMES_CACHE / video.relative_to(root)
    stamp = file_stamp(str(video))  # before decoding: a change while decoding makes the next stamp differ
    atomic.recover_folder(folder)
    count = _cached_count(folder, stamp)
    if count is None:
        try:
            with atomic.staged_folder(folder) as staging:
                count = 0
                for count, frame in enumerate(_bgr_frames(video), start=1):
                    if not cv2.imwrite(str(staging / f"{count - 1:06d}.png"), frame, PNG_FAST):
                        raise OSError(f"cannot write frame {count - 1}")
                size, mtime_ns = stamp or (None, None)
                (staging / SOURCE_FILE).write_text(json.dumps({"size": size, "mtime_ns": mtime_ns, "frames": count}))
        except OSError as err:
            raise DatasetError(
                f"cannot write the frame cache {folder} of {video} ({err.strerror or err}); "
                "video files need a writable data folder"
            ) from err
    return [folder / f"{i:06d}.png" for i in range(count)]
