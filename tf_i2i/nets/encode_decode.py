"""One domain's encoder chained with another domain's decoder (UNIT's cross-domain translation) as a
plain image-to-image network, so the generic image endpoints, float32 export and tools/translate.py
can use it like any generator."""

from __future__ import annotations

import keras

from tf_i2i.nets.weights import weights_by_path


@keras.saving.register_keras_serializable(package="tf_i2i")
class EncodeDecode(keras.Model):
    """decoder(encoder(x)). Holds the two networks (shared with their generators), no weights of its
    own; `size_multiple` is the encoder's. get_config/from_config rebuild both networks (fresh weights),
    and get_weights/set_weights list the weights by path inside each network, not in build order,
    so a rebuilt copy takes the weights (export's float32 copy of a mixed-precision model) even when
    the original's decoder borrowed blocks from another network (UNIT's tied blocks)."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder

    @property
    def size_multiple(self) -> int:
        return self.encoder.size_multiple

    def call(self, x, training=None):
        return self.decoder(self.encoder(x, training=training), training=training)

    def _weights_by_path(self) -> list:
        return [v for net in (self.encoder, self.decoder) for _, v in sorted(weights_by_path(net).items())]

    def get_weights(self) -> list:
        return [v.numpy() for v in self._weights_by_path()]

    def set_weights(self, weights) -> None:
        variables = self._weights_by_path()
        if len(weights) != len(variables):
            raise ValueError(f"{self.name} holds {len(variables)} weights, got {len(weights)}")
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def get_config(self):
        return {"encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder), "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        nets = {k: keras.saving.deserialize_keras_object(config.pop(k)) for k in ("encoder", "decoder")}
        return cls(**nets, **config)
