"""Starting the local stage from a finished global stage (the official --load_pretrain).

The global run's checkpoint stores each network's weights by path (GANModel.network_weights).
The LocalEnhancer's G1 is a GlobalGenerator without the head, named 'global', so its weights'
paths below it are those of the global run's generator; the encoder takes all of its own; the
discriminator too when the run used the same one (the official code then loads it, and skips
what does not fit).
"""

from __future__ import annotations

from pathlib import Path

from tf_i2i.errors import ConfigError
from tf_i2i.models.saved_networks import (assign_weights, latest_checkpoint_reader, saved_network_weights,
                                          weights_fit)
from tf_i2i.nets.weights import weights_by_path


def load_global_stage(model, workdir: str | Path) -> list[str]:
    """Copies G1 (and E, and D when it fits) from the newest checkpoint of a global-stage run folder.

    Raises ConfigError naming the run when there is no checkpoint or G1 does not fit (e.g. the
    local stage's ngf is not half the global stage's, as the official recipe has it).
    """
    reader = latest_checkpoint_reader(workdir)
    g1 = weights_by_path(model.generator.global_net)  # paths below 'global', as the global run's G
    saved = saved_network_weights(reader, "generator")
    if not weights_fit(g1, saved):
        raise ConfigError(
            f"load_pretrain={workdir}: its generator does not fit this run's G1 ({len(saved)} saved weights, "
            f"{len(g1)} needed; the local stage's ngf must be half the global stage's)")
    assign_weights(g1, saved)
    loaded = ["G1"]
    for network, name in ((model.encoder, "encoder"), (model.discriminator, "discriminator")):
        if network is None:
            continue
        weights = weights_by_path(network)
        saved = saved_network_weights(reader, name)
        if weights_fit(weights, saved, exactly=True):
            assign_weights(weights, saved)
            loaded.append(name)
    return loaded
