"""The temporal coherence of a generated video: its warp error under the real video's optical flow.

  python tools/warp_error.py --frames=out/ --reference=real_frames/ [--preset=medium]
  python tools/warp_error.py --frames=out/video.mp4 --reference=clip.mp4

--frames and --reference are folders of frames (sorted by name) or video files of the same size and
length (the longer is cut to the shorter). Prints the mean absolute error (0-255) between each
generated frame and the previous one warped by the real video's DIS flow, over the pixels where the
real video itself follows that flow (tf_i2i.evaluation.temporal_consistency), and the real video's own
error for scale. Lower is more coherent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from absl import app, flags
from PIL import Image

from tf_i2i import cli
from tf_i2i.data.video.video_files import read_video
from tf_i2i.errors import UserError
from tf_i2i.evaluation.temporal_consistency import warp_error

_FRAMES = flags.DEFINE_string("frames", None, "Generated frames: a folder of pictures or a video file.")
_REFERENCE = flags.DEFINE_string("reference", None, "The real frames: a folder of pictures or a video file.")
_PRESET = flags.DEFINE_enum("preset", "medium", ["ultrafast", "fast", "medium"], "DIS preset of the flow.")
flags.mark_flags_as_required(["frames", "reference"])

PICTURES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def read_frames(path: Path) -> np.ndarray:
    """uint8 RGB [T, H, W, 3] from a folder of pictures or a video file."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in PICTURES)
        if not files:
            raise UserError(f"{path}: no pictures ({', '.join(PICTURES)}) in this folder")
        return np.stack([np.asarray(Image.open(p).convert("RGB")) for p in files])
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    return read_video(path)


def main(argv: list[str]) -> None:
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    frames, reference = read_frames(Path(_FRAMES.value)), read_frames(Path(_REFERENCE.value))
    n = min(len(frames), len(reference))
    if frames.shape[1:] != reference.shape[1:]:
        raise UserError(f"frames {frames.shape[2]}x{frames.shape[1]} and reference {reference.shape[2]}x"
                        f"{reference.shape[1]} differ in size")
    result = warp_error(frames[:n], reference[:n], _PRESET.value)
    print(f"warp error {result.frames:.2f} (reference video {result.reference:.2f}) grey levels over "
          f"{100 * result.confident:.0f}% of the pixels of {n - 1} frame pairs")


if __name__ == "__main__":
    cli.run(main)
