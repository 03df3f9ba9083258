"""Full-state checkpoints (networks, every optimizer, pools, RNG states, step) with auto-resume.

Under MultiWorkerMirroredStrategy every worker must save; only the chief's copy is kept, the
others write to a scratch folder that is deleted afterwards (TF's documented pattern).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import keras
import tensorflow as tf


def seed_generator_states(model: keras.Model) -> list:
    """State variables of the model's Keras SeedGenerators (Dropout masks and the like).

    tf.train.Checkpoint does not reach them through the layers, so without this list a resumed
    run would restart every dropout stream from its initial seed instead of continuing it.
    """
    return [v for v in model.variables if v.name == "seed_generator_state"]


def training_state(model: keras.Model) -> dict:
    """What a checkpoint holds to resume exactly: the model (image pools), every network weight,
    every optimizer (slots and step) and the dropout RNG states."""
    optimizers = {name: optimizer for name, (optimizer, _) in model.optimizer_groups().items()}
    return {"model": model, "network_weights": model.network_weights(), **optimizers,
            "seed_generators": seed_generator_states(model)}


class TrainCheckpoint:
    """Saves every `trackables` value under workdir/checkpoints and restores the newest one."""

    def __init__(self, workdir: str | Path, trackables: dict, keep: int = 3, chief: bool = True,
                 worker: int = 0):
        self.chief = chief
        self.directory = self.directory_for(workdir)
        write_dir = self.directory if chief else Path(workdir) / f"scratch_worker{worker}" / "checkpoints"
        self.checkpoint = tf.train.Checkpoint(**trackables)
        self.manager = tf.train.CheckpointManager(self.checkpoint, str(write_dir), max_to_keep=keep)
        self._write_dir = write_dir

    @staticmethod
    def directory_for(workdir: str | Path) -> Path:
        return Path(workdir) / "checkpoints"

    @staticmethod
    def step_of(checkpoint_path: str | None) -> int:
        """Step of a checkpoint path (files are numbered by step), 0 for None. Known before the
        model exists, so the input pipeline is built once, already seeded for the resume step."""
        return int(checkpoint_path.rsplit("-", 1)[1]) if checkpoint_path else 0

    def restore_latest(self) -> str | None:
        """Restores the chief's newest checkpoint, if any; returns its path."""
        latest = tf.train.latest_checkpoint(str(self.directory))
        if latest:
            self.checkpoint.restore(latest).assert_existing_objects_matched()
        return latest

    def save(self, step: int) -> str:
        path = self.manager.save(checkpoint_number=step)
        if not self.chief:
            shutil.rmtree(self._write_dir.parent, ignore_errors=True)
        return path
