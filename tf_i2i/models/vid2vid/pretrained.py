"""A finer vid2vid run started from a coarser one (official --load_pretrain with n_scales_spatial
one higher): the coarser run's G0.. become this run's coarser scales, its D and D_T<s> this run's
when they have the same shape (the official load_network skips what does not fit)."""

from __future__ import annotations

from pathlib import Path

from tf_i2i.errors import ConfigError
from tf_i2i.models.saved_networks import (assign_weights, latest_checkpoint_reader, saved_network_weights,
                                          weights_fit)
from tf_i2i.nets.weights import weights_by_path


def load_coarser_run(model, workdir: str | Path) -> list[str]:
    """Copies every network of `model` that the newest checkpoint of `workdir` holds under the same
    name with the same weights; returns their names. The run must give at least G0."""
    reader = latest_checkpoint_reader(workdir)
    loaded = []
    for network in model.generator_networks() + model.discriminator_networks():
        weights, saved = weights_by_path(network), saved_network_weights(reader, network.name)
        if weights_fit(weights, saved, exactly=True):
            assign_weights(weights, saved)
            loaded.append(network.name)
    if "G0" not in loaded:
        raise ConfigError(f"load_pretrain={workdir}: its G0 does not fit this run's coarsest generator "
                          f"(the same ngf, n_downsample_G, n_blocks, norm, fg and flow options are needed)")
    return loaded
