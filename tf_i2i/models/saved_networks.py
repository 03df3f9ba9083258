"""Reading one network's weights out of another run's training checkpoint (starting a run from a
finished coarser one: pix2pixHD's local stage, vid2vid's finer spatial scales)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import trackable_object_graph_pb2

from tf_i2i.errors import ConfigError


def latest_checkpoint_reader(workdir: str | Path, option: str = "load_pretrain") -> tf.train.CheckpointReader:
    """The newest checkpoint of a run folder; ConfigError naming `option` and the folder when there is none."""
    path = tf.train.latest_checkpoint(str(Path(workdir) / "checkpoints"))
    if path is None:
        raise ConfigError(f"{option}={workdir}: no checkpoint in {Path(workdir) / 'checkpoints'}")
    return tf.train.load_checkpoint(path)


def saved_network_weights(reader: tf.train.CheckpointReader, network: str) -> dict[str, np.ndarray]:
    """{weight path: value} saved under network_weights/<network> (GANModel.network_weights), found
    through the object graph: a variable reachable by several paths is stored once, under a key of
    another path. Empty when the run has no such network."""
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    node = graph.nodes[0]
    for name in ("network_weights", network):
        children = {child.local_name: child.node_id for child in node.children}
        if name not in children:
            return {}
        node = graph.nodes[children[name]]
    return {child.local_name: reader.get_tensor(graph.nodes[child.node_id].attributes[0].checkpoint_key)
            for child in node.children}


def weights_fit(variables: dict, saved: dict[str, np.ndarray], exactly: bool = False) -> bool:
    """Every variable has a saved value of its shape (and, `exactly`, nothing else was saved)."""
    fits = all(path in saved and tuple(v.shape) == saved[path].shape for path, v in variables.items())
    return fits and (not exactly or len(saved) == len(variables))


def assign_weights(variables: dict, saved: dict[str, np.ndarray]) -> None:
    for path, variable in variables.items():
        variable.assign(saved[path])
