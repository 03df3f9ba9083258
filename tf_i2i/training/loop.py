"""The training loop: strategy.run(model.train_step) in a tf.function, with summaries, samples,
checkpoints (periodic and on SIGTERM/SIGINT), auto-resume and export at the end.

A custom loop rather than Model.fit because fit fails under MultiWorkerMirroredStrategy in
Keras 3.15 on dict/tuple batches (stack-facts) and cannot checkpoint mid-epoch exactly.
"""

from __future__ import annotations

import dataclasses
import signal
from pathlib import Path

import keras
import ml_collections
import tensorflow as tf
from absl import logging

from tf_i2i.data import build_dataset
from tf_i2i.export import check_export_args, export_model, export_settings
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.registry import build_model
from tf_i2i.training.checkpoint import TrainCheckpoint, training_state
from tf_i2i.training.progress import Progress, to_host
from tf_i2i.training.schedules import make_optimizers
from tf_i2i.training.strategy import is_chief, make_strategy, worker_id
from tf_i2i.training.summaries import Summaries
from tf_i2i.training.threads import configure_threads


@dataclasses.dataclass
class TrainResult:
    step: int
    interrupted: bool
    last_logs: dict[str, float]
    model: keras.Model


class _StopFlag:
    """Turns SIGTERM/SIGINT into a flag checked between steps, so the loop saves before exiting."""

    def __init__(self):
        self.signal: int | None = None
        self._previous = {}

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame):
        self.signal = signum

    def __exit__(self, *exc):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def save_config(config: ml_collections.ConfigDict, workdir: Path) -> None:
    """workdir/config.json lets translate/export rebuild the model without the original flags."""
    (workdir / "config.json").write_text(config.to_json_best_effort(indent=2))


def _distribute_options() -> tf.data.Options:
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return options


def _per_replica_slice(batch: dict, strategy: tf.distribute.Strategy) -> dict:
    per_replica = next(iter(batch.values())).shape[0] // strategy.num_replicas_in_sync
    return {k: v[:per_replica] for k, v in batch.items()}


def build_trainer_state(config, strategy, sample_batch):
    """Model, optimizers and every variable, created under the strategy scope before any step."""
    with strategy.scope():
        model = build_model(config)
        g_opt, d_opt = make_optimizers(config.optim)
        model.compile(g_optimizer=g_opt, d_optimizer=d_opt)
        model.build_all(_per_replica_slice(sample_batch, strategy))
    return model


def make_train_step(strategy: tf.distribute.Strategy, model):
    """A tf.function running model.train_step on every replica for the next batch of a distributed
    iterator; returns the replica-mean logs. Shared by train() and the tests that check it."""
    @tf.function
    def distributed_step(iterator):
        logs = strategy.run(model.train_step, args=(next(iterator),))
        return {k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None) for k, v in logs.items()}
    return distributed_step


def train(config: ml_collections.ConfigDict, workdir: str | Path,
          strategy: tf.distribute.Strategy | None = None) -> TrainResult:
    """Trains config.model on config.data for config.train.num_steps, resuming from workdir."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    t = config.train
    configure_threads(t.get("parallel_ops", 0))  # first: TensorFlow fixes its threads at its first op
    keras.mixed_precision.set_global_policy(t.mixed_precision)
    strategy = strategy or make_strategy(t.strategy)
    chief = is_chief(strategy)
    if t.batch_size % strategy.num_replicas_in_sync:
        raise ValueError(f"train.batch_size={t.batch_size} is not divisible by the "
                         f"{strategy.num_replicas_in_sync} replicas")
    if chief:
        save_config(config, workdir)
    ckpt_dir = TrainCheckpoint.directory_for(workdir)
    resume_step = TrainCheckpoint.step_of(tf.train.latest_checkpoint(str(ckpt_dir)))
    # Seed the input order with the resume step so a restart does not replay the first batches.
    dataset = build_dataset(config.data, batch_size=t.batch_size, seed=t.seed + resume_step,
                            deterministic=t.deterministic).with_options(_distribute_options())
    sample_batch = next(iter(dataset))
    keras.utils.set_random_seed(t.seed)  # the same initial weights and dropout seeds on every run
    model = build_trainer_state(config, strategy, sample_batch)
    export = export_settings(config.export)
    if config.export.at_end:  # a bad export setting fails now, not after hours of training
        check_export_args(model, export["tflite"], export["height"], export["width"],
                          tflite_batch=export["tflite_batch"])
    step_var = model.g_optimizer.iterations
    ckpt = TrainCheckpoint(workdir, training_state(model),
                           keep=t.keep_checkpoints, chief=chief, worker=worker_id(strategy))
    restored = ckpt.restore_latest()
    start = int(step_var.numpy())
    if restored:
        logging.info("resumed from %s at step %d", restored, start)
    else:
        model.warm_start()
    iterator = iter(strategy.experimental_distribute_dataset(dataset))
    distributed_step = make_train_step(strategy, model)
    summaries = Summaries(workdir, enabled=chief)
    progress = Progress(t.num_steps, start)
    logs: dict[str, tf.Tensor] = {}
    step = start
    with _StopFlag() as stop:
        while step < t.num_steps and stop.signal is None:
            logs = distributed_step(iterator)  # left on the device: read only when reported
            step += 1
            progress.add(logs)
            if step % t.log_every == 0 or step == t.num_steps:
                line, means = progress.report(step)
                logging.info(line)
                summaries.scalars(means, step)
            if step % t.sample_every == 0 or step == t.num_steps:
                summaries.images(model.sample_images(sample_batch), step)
            if step % t.checkpoint_every == 0 or step == t.num_steps:
                ckpt.save(step)
        if stop.signal is not None:
            path = ckpt.save(step)
            logging.warning("stopped by signal %d at step %d; checkpoint %s", stop.signal, step, path)
    if chief and config.export.at_end and stop.signal is None:
        export_model(model, workdir / "export", preprocessing=Preprocessing.of(config.data), **export)
    return TrainResult(step=step, interrupted=stop.signal is not None, last_logs=to_host(logs), model=model)

