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

from tf_i2i import atomic
from tf_i2i.data import build_dataset, data_read_errors
from tf_i2i.export import check_export_args, export_model, export_settings
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.models.update_guard import UpdateGuard, guarding
from tf_i2i.registry import build_model
from tf_i2i.training.checkpoint import TrainCheckpoint, training_state
from tf_i2i.training.config_checks import check_batch_split, check_input_sizes, check_train_values
from tf_i2i.training.divergence import DivergenceWatch, finite_weights_check
from tf_i2i.training.event_files import drop_events_after
from tf_i2i.training.progress import Progress, to_host
from tf_i2i.training.run_lock import RunLock
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
    """workdir/config.json lets translate/export rebuild the model without the original flags (written whole
    or not at all: tf_i2i.atomic)."""
    atomic.write_text(workdir / "config.json", config.to_json_best_effort(indent=2))


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
        g_opt, d_opt = make_optimizers(config.optim, skip_nonfinite=config.train.on_nonfinite == "skip_step")
        model.compile(g_optimizer=g_opt, d_optimizer=d_opt)
        model.build_all(_per_replica_slice(sample_batch, strategy))
    return model


def _replica_means(strategy: tf.distribute.Strategy, logs: dict) -> dict:
    return {k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None) for k, v in logs.items()}


def make_train_step(strategy: tf.distribute.Strategy, model):
    """A tf.function running model.train_step on every replica for the next batch of a distributed
    iterator; returns the replica-mean logs. Shared by train() and the tests that check it."""
    @tf.function(autograph=model.autograph)
    def distributed_step(iterator):
        return _replica_means(strategy, strategy.run(model.train_step, args=(next(iterator),)))
    return distributed_step


def make_checked_train_step(strategy: tf.distribute.Strategy, model, check_gradients: bool, drop: bool):
    """make_train_step that also returns whether the step was sound: every log finite and every
    update's loss (and gradient norm, `check_gradients`) finite on every replica. With `drop` the
    unsound updates are dropped in-graph (models/update_guard.py). The flag is one scalar: the
    loop reads it every step, the logs only when it reports."""
    def replica_step(batch):
        with guarding(UpdateGuard(check_gradients, drop)) as guard:
            logs = model.train_step(batch)
        return logs, guard.nonfinite_updates()

    @tf.function(autograph=model.autograph)
    def distributed_step(iterator):
        logs, nonfinite = strategy.run(replica_step, args=(next(iterator),))
        logs = _replica_means(strategy, logs)
        finite = [tf.reduce_all(tf.math.is_finite(tf.cast(v, tf.float32))) for v in logs.values()]
        sound = tf.logical_and(tf.reduce_all(finite), strategy.reduce(tf.distribute.ReduceOp.SUM, nonfinite,
                                                                       axis=None) == 0)
        return logs, sound
    return distributed_step


@data_read_errors()  # a data file changed after validation: DatasetError naming it
def train(config: ml_collections.ConfigDict, workdir: str | Path,
          strategy: tf.distribute.Strategy | None = None) -> TrainResult:
    """Trains config.model on config.data for config.train.num_steps, resuming from workdir.

    The config is checked first (config_checks.py), then the run folder is locked for this
    process's writer role (run_lock.py) before anything is written to it."""
    workdir = Path(workdir)
    t = config.train
    configure_threads(t.get("parallel_ops", 0))  # first: TensorFlow fixes its threads at its first op
    keras.mixed_precision.set_global_policy(t.mixed_precision)
    check_train_values(config)
    strategy = strategy or make_strategy(t.strategy)
    check_batch_split(t.batch_size, strategy.num_replicas_in_sync)
    check_input_sizes(config)
    chief = is_chief(strategy)
    workdir.mkdir(parents=True, exist_ok=True)
    with RunLock(workdir, "chief" if chief else f"worker{worker_id(strategy)}"):
        return _train_locked(config, workdir, strategy, chief)


def _train_locked(config: ml_collections.ConfigDict, workdir: Path, strategy: tf.distribute.Strategy,
                  chief: bool) -> TrainResult:
    t = config.train
    if chief:
        save_config(config, workdir)
    ckpt_dir = TrainCheckpoint.directory_for(workdir)
    resume_step = TrainCheckpoint.step_of(tf.train.latest_checkpoint(str(ckpt_dir)))
    # Seed the input order with the resume step so a restart does not replay the first batches; video
    # streams also continue their sequence-length schedule from it.
    dataset = build_dataset(config.data, batch_size=t.batch_size, seed=t.seed + resume_step,
                            deterministic=t.deterministic, first_step=resume_step).with_options(_distribute_options())
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
        if chief:  # the killed run may have logged steps past its last checkpoint
            drop_events_after(workdir / "logs", start)
    else:
        model.warm_start()
    iterator = iter(strategy.experimental_distribute_dataset(dataset))
    distributed_step = make_checked_train_step(strategy, model, t.check_gradient_norm,
                                               drop=t.on_nonfinite == "skip_step")
    watch = DivergenceWatch(t.on_nonfinite, t.max_nonfinite_steps, ckpt_dir)
    weights_finite = finite_weights_check(model)

    def save(step: int) -> str | None:
        return ckpt.save(step) if watch.may_save(step, weights_finite) else None

    summaries = Summaries(workdir, enabled=chief)
    progress = Progress(t.num_steps, start)
    logs: dict[str, tf.Tensor] = {}
    step = start
    with _StopFlag() as stop:
        while step < t.num_steps and stop.signal is None:
            logs, sound = distributed_step(iterator)  # logs stay on the device: read only when reported
            step += 1
            sound = bool(sound)
            watch.after_step(step, sound, logs)
            if sound:
                progress.add(logs)
            if step % t.log_every == 0 or step == t.num_steps:
                line, means = progress.report(step)
                logging.info(line)
                summaries.scalars({**means, **watch.scalars()}, step)
            if step % t.sample_every == 0 or step == t.num_steps:
                summaries.images(model.sample_images(sample_batch), step)
            if step % t.checkpoint_every == 0 or step == t.num_steps:
                save(step)
        if stop.signal is not None:
            path = save(step)
            logging.warning("stopped by signal %d at step %d; checkpoint %s", stop.signal, step,
                            path or "not written: the step's update was dropped")
    if chief and stop.signal is None:
        for path in model.final_samples(config.data, workdir / "samples"):
            logging.info("wrote %s", path)
    if chief and config.export.at_end and stop.signal is None:
        export_model(model, workdir / "export", preprocessing=Preprocessing.of(config.data), **export)
    return TrainResult(step=step, interrupted=stop.signal is not None, last_logs=to_host(logs), model=model)
