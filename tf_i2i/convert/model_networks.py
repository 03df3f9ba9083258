"""Official state_dicts loaded straight into the networks of the model a run config builds, so the
converted weights are keyed exactly as that run folder's model restores them (Keras variable paths
record the call that built a layer, so a network built on its own could be keyed differently)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import keras
import ml_collections

from tf_i2i.convert.state_dict import ConversionError, StateDict
from tf_i2i.registry import build_model

Loader = Callable[[keras.Model, StateDict], None]


def converted_weights(config: ml_collections.ConfigDict, loads: Mapping[str, tuple[StateDict, Loader]],
                      input_channels: Mapping[str, int] | None = None) -> dict[str, dict]:
    """network_weights of `config`'s model for the networks named in `loads` (network name ->
    (official state_dict, loader)); every official key must be used. The generators are built as
    inference builds them; a network in `input_channels` (a discriminator) for that many channels."""
    model = build_model(config)
    model.build_generators()
    networks = {net.name: net for net in model.generator_networks() + model.discriminator_networks()}
    for name, (state_dict, load) in loads.items():
        if name not in networks:
            raise ConversionError(f"the {config.model.name} model has no network {name!r}")
        if input_channels and name in input_channels:
            networks[name].build((None, None, None, input_channels[name]))
        load(networks[name], state_dict)
        state_dict.check_all_used()
    return {name: weights for name, weights in model.network_weights().items() if name in loads}
