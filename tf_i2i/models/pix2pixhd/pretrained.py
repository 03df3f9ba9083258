"""Starting the local stage from a finished global stage (the official --load_pretrain).

The global run's checkpoint stores each network's weights as a list (GANModel.network_weights).
Its generator list begins with exactly the weights of the LocalEnhancer's G1 (a GlobalGenerator
without the head, whose weights come last), so G1 takes the first entries; the encoder takes
all of its own; the discriminator too when the run used the same one (the official code then
loads it, and skips what does not fit).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import trackable_object_graph_pb2


def _saved_list(reader: tf.train.CheckpointReader, network: str) -> list[np.ndarray]:
    """The values saved under network_weights/<network>/0, 1, ... (found through the object graph:
    a variable reachable by several paths is stored once, under a key of another path)."""
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    node = graph.nodes[0]
    for name in ("network_weights", network):
        children = {child.local_name: child.node_id for child in node.children}
        if name not in children:
            return []
        node = graph.nodes[children[name]]
    entries = sorted((int(child.local_name), child.node_id) for child in node.children)
    return [reader.get_tensor(graph.nodes[node_id].attributes[0].checkpoint_key) for _, node_id in entries]


def _fits(variables: list, saved: list[np.ndarray]) -> bool:
    return len(saved) >= len(variables) and all(
        tuple(v.shape) == s.shape for v, s in zip(variables, saved))


def _assign(variables: list, saved: list[np.ndarray]) -> None:
    for variable, value in zip(variables, saved):
        variable.assign(value)


def load_global_stage(model, workdir: str | Path) -> list[str]:
    """Copies G1 (and E, and D when it fits) from the newest checkpoint of a global-stage run folder.

    Raises ValueError naming the run when there is no checkpoint or G1 does not fit (e.g. the
    local stage's ngf is not half the global stage's, as the official recipe has it).
    """
    path = tf.train.latest_checkpoint(str(Path(workdir) / "checkpoints"))
    if path is None:
        raise ValueError(f"load_pretrain={workdir}: no checkpoint in {Path(workdir) / 'checkpoints'}")
    reader = tf.train.load_checkpoint(path)
    g1 = model.generator.global_net.weights
    saved = _saved_list(reader, "generator")
    if not _fits(g1, saved):
        raise ValueError(
            f"load_pretrain={workdir}: its generator does not fit this run's G1 ({len(saved)} saved weights, "
            f"{len(g1)} needed; the local stage's ngf must be half the global stage's)")
    _assign(g1, saved)
    loaded = ["G1"]
    for network, name in ((model.encoder, "encoder"), (model.discriminator, "discriminator")):
        if network is None:
            continue
        saved = _saved_list(reader, name)
        if _fits(network.weights, saved) and len(saved) == len(network.weights):
            _assign(network.weights, saved)
            loaded.append(name)
    return loaded
