"""Choosing the tf.distribute strategy: one device, MirroredStrategy (local GPUs) or multi-worker."""

from __future__ import annotations

import json
import os

import tensorflow as tf

from tf_i2i.errors import ConfigError

STRATEGIES = ("auto", "default", "mirrored", "multi_worker")


def make_strategy(kind: str = "auto") -> tf.distribute.Strategy:
    """'auto': MultiWorkerMirrored when TF_CONFIG names several workers, Mirrored over >1 GPU,
    otherwise the default (single-device) strategy."""
    if kind not in STRATEGIES:
        raise ConfigError(f"unknown strategy {kind!r}; expected one of {STRATEGIES}")
    if kind == "auto":
        if _tf_config_workers() > 1:
            kind = "multi_worker"
        elif len(tf.config.list_logical_devices("GPU")) > 1:
            kind = "mirrored"
        else:
            kind = "default"
    if kind == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def _tf_config_workers() -> int:
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    return len(cluster.get("worker", [])) + len(cluster.get("chief", []))


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Only the chief writes summaries, samples and the real checkpoint copy."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    return task_type == "chief" or (task_type == "worker" and task_id == 0
                                    and "chief" not in resolver.cluster_spec().as_dict())


def worker_id(strategy: tf.distribute.Strategy) -> int:
    resolver = getattr(strategy, "cluster_resolver", None)
    return 0 if resolver is None or resolver.task_id is None else int(resolver.task_id)
