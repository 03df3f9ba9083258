"""Weights by their path inside a network: how checkpoints and copies match weights whatever order
the sublayers were built in."""

from __future__ import annotations

import keras


def weights_by_path(network: keras.Model) -> dict:
    """{path below the network's own name: weight} of every weight of `network` (paths must be unique).

    Relative paths match between a network used alone and the same network nested in another
    (pix2pixHD's G1 inside its local enhancer)."""
    def below(path: str) -> str:
        parts = path.split("/")
        return "/".join(parts[parts.index(network.name) + 1:]) if network.name in parts else path
    by_path = {below(v.path): v for v in network.weights}
    if len(by_path) != len(network.weights):
        raise ValueError(f"{network.name}: weight paths are not unique, so a checkpoint could not tell them apart")
    return by_path
