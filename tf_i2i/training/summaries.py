"""TensorBoard scalars and sample-image grids (also written as PNG files for quick inspection)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from tf_i2i import atomic


def image_grid(images: dict[str, tf.Tensor], max_rows: int = 4) -> np.ndarray:
    """One row per example, one column per named image (e.g. input | output | target), as uint8 RGB."""
    columns = []
    for tensor in images.values():
        x = np.asarray(tf.cast(tensor[:max_rows], tf.float32))
        if x.shape[-1] == 1:
            x = np.repeat(x, 3, axis=-1)
        columns.append(x[..., :3])
    height = max(c.shape[1] for c in columns)
    padded = [np.pad(c, [(0, 0), (0, height - c.shape[1]), (0, 2), (0, 0)], constant_values=1.0)
              for c in columns]
    rows = np.concatenate(padded, axis=2)
    grid = np.concatenate(list(rows), axis=0)
    return np.clip((grid + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)


class Summaries:
    """Writes scalars and image grids for the chief; a no-op on other workers."""

    def __init__(self, workdir: str | Path, enabled: bool = True):
        self.enabled = enabled
        self.sample_dir = Path(workdir) / "samples"
        if enabled:
            self.sample_dir.mkdir(parents=True, exist_ok=True)
            self.writer = tf.summary.create_file_writer(str(Path(workdir) / "logs"))

    def scalars(self, values: dict[str, float], step: int) -> None:
        if not self.enabled:
            return
        with self.writer.as_default(step=step):
            for name, value in values.items():
                group = ("lr" if name.startswith("lr") else "speed" if name == "steps_per_sec"
                         else "nonfinite" if name == "dropped_steps" else "loss")
                tf.summary.scalar(f"{group}/{name}", value)
        self.writer.flush()

    def images(self, images: dict[str, tf.Tensor], step: int) -> Path | None:
        """Logs the grid to TensorBoard and saves samples/step_<step>.png; returns the PNG path."""
        if not self.enabled:
            return None
        grid = image_grid(images)
        with self.writer.as_default(step=step):
            tf.summary.image("samples/" + "|".join(images), grid[None], step=step)
        self.writer.flush()
        path = self.sample_dir / f"step_{step:07d}.png"
        atomic.write_bytes(path, tf.io.encode_png(grid).numpy())
        return path
