"""The warp error of a video under the real video's flow (tf_i2i.evaluation.temporal_consistency and
tools/warp_error.py): a video that moves as the real one scores as the real one; a flickering or a
frozen one scores worse."""

import subprocess
import sys

import numpy as np
import pytest

from tests.helpers_training import REPO, subprocess_env
from tf_i2i.data.video.video_files import write_video
from tf_i2i.evaluation.temporal_consistency import warp_error


def _panning(n: int = 5, seed: int = 0) -> np.ndarray:
    """A smooth random texture panned 2 px right per frame, uint8 [n, 48, 64, 3]."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (12, 30, 3))
    wide = np.kron(coarse, np.ones((4, 4, 1)))[:, :, :]  # 48 x 120
    return np.stack([wide[:, 40 - 2 * t:104 - 2 * t] for t in range(n)]).astype(np.uint8)


def test_a_video_moving_as_the_reference_scores_as_the_reference():
    real = _panning()
    same = warp_error(real, real)
    assert same.frames == pytest.approx(same.reference) and same.confident > 0.5
    recoloured = np.clip(real.astype(int) + 20, 0, 255).astype(np.uint8)  # other colours, the same motion
    assert warp_error(recoloured, real).frames < same.reference + 1.0


def test_flicker_and_frozen_frames_score_worse():
    real = _panning()
    flicker = _panning(seed=1)[np.array([0, 2, 4, 1, 3])]
    frozen = np.repeat(real[:1], len(real), axis=0)
    base = warp_error(real, real).frames
    assert warp_error(flicker, real).frames > base + 10.0
    assert warp_error(frozen, real).frames > base + 5.0


def test_the_tool_reads_a_folder_and_a_video(tmp_path):
    real = _panning()
    folder = tmp_path / "frames"
    folder.mkdir()
    from PIL import Image
    for t, frame in enumerate(real):
        Image.fromarray(frame).save(folder / f"{t:03d}.png")
    write_video(tmp_path / "real.mp4", real, fps=10)
    out = subprocess.run([sys.executable, str(REPO / "tools" / "warp_error.py"), f"--frames={folder}",
                          f"--reference={tmp_path / 'real.mp4'}"], capture_output=True, text=True, env=subprocess_env(),
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "warp error" in out.stdout and "4 frame pairs" in out.stdout
