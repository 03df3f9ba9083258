"""Starting the local stage from a finished global stage (the official --load_pretrain).

The global run's checkpoint stores each network's weights by path (GANModel.network_weights).
The LocalEnhancer's G1 is a GlobalGenerator without the head, named 'global', so its weights'
paths below it are those of the global run's generator; the encoder takes all of its own; the
discriminator too when the run used the same one (the official code then loads it, and skips
what does not fit).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import trackable_object_graph_pb2

from tf_i2i.errors import ConfigError
from tf_i2i.nets.weights import weights_by_path


def _saved_weights(reader: tf.train.CheckpointReader, network: str) -> dict[str, np.ndarray]:
    """{weight path: value} saved under network_weights/<network> (found through the object graph:
    a variable reachable by several paths is stored once, under a key of another path)."""
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


def _fits(variables: dict, saved: dict[str, np.ndarray]) -> bool:
    return all(path in saved and tuple(v.shape) == saved[path].shape for path, v in variables.items())


def _assign(variables: dict, saved: dict[str, np.ndarray]) -> None:
    for path, variable in variables.items():
        variable.assign(saved[path])


def load_global_stage(model, workdir: str | Path) -> list[str]:
    """Copies G1 (and E, and D when it fits) from the newest checkpoint of a global-stage run folder.

    Raises ValueError naming the run when there is no checkpoint or G1 does not fit (e.g. the
    local stage's ngf is not half the global stage's, as the official recipe has it).
    """
    path = tf.train.latest_checkpoint(str(Path(workdir) / "checkpoints"))
    if path is None:
        raise ConfigError(f"load_pretrain={workdir}: no checkpoint in {Path(workdir) / 'checkpoints'}")
    reader = tf.train.load_checkpoint(path)
    g1 = weights_by_path(model.generator.global_net)  # paths below 'global', as the global run's G
    saved = _saved_weights(reader, "generator")
    if not _fits(g1, saved):
        raise ConfigError(
            f"load_pretrain={workdir}: its generator does not fit this run's G1 ({len(saved)} saved weights, "
            f"{len(g1)} needed; the local stage's ngf must be half the global stage's)")
    _assign(g1, saved)
    loaded = ["G1"]
    for network, name in ((model.encoder, "encoder"), (model.discriminator, "discriminator")):
        if network is None:
            continue
        weights, saved = weights_by_path(network), _saved_weights(reader, name)
        if _fits(weights, saved) and len(saved) == len(weights):
            _assign(weights, saved)
            loaded.append(name)
    return loaded
