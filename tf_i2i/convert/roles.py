"""A checkpoint whose networks are named by role (DRIT-family trainers save {role: state_dict, ...,
'<role>_opt': optimiser state, 'ep', 'total_it'}): per role, how to build our network from the
options and how to load the role's state_dict into it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import keras
import numpy as np

from tf_i2i.convert.state_dict import ConversionError, StateDict, StateDictView

Options = TypeVar("Options")
Builder = Callable[[Options, str | None], keras.Model]
Loader = Callable[[keras.Model, StateDict | StateDictView], None]


class RoleTable(Generic[Options]):
    """official role -> (build from options, load a state_dict); `family` names the trainer in errors."""

    def __init__(self, family: str, roles: Mapping[str, tuple[Builder, Loader]]):
        self.family = family
        self.roles = dict(roles)

    def _entry(self, role: str) -> tuple[Builder, Loader]:
        if role not in self.roles:
            raise ConversionError(f"unknown {self.family} role {role!r}; expected one of {sorted(self.roles)}")
        return self.roles[role]

    def build(self, role: str, o: Options, name: str | None = None) -> keras.Model:
        """Our (built, randomly initialised) network for an official role."""
        return self._entry(role)[0](o, name or role)

    def load(self, role: str, net: keras.Model, sd: StateDict) -> keras.Model:
        """Loads an official state_dict into `net`; every official key must be used."""
        self._entry(role)[1](net, sd)
        sd.check_all_used()
        return net

    def convert(self, role: str, o: Options, state: Mapping[str, np.ndarray], name: str | None = None) -> keras.Model:
        """build + load from a {key: array} state_dict."""
        return self.load(role, self.build(role, o, name), StateDict(state, source=f"{self.family} {role}"))

    def convert_checkpoint(self, checkpoint: Mapping[str, Any], o: Options) -> dict[str, keras.Model]:
        """Every network role of a checkpoint; optimiser states and counters are not networks."""
        found = [r for r in self.roles if r in checkpoint]
        if not found:
            raise ConversionError(f"no {self.family} network in the checkpoint (keys {sorted(checkpoint)[:10]}); "
                                  f"expected some of {sorted(self.roles)}")
        return {r: self.convert(r, o, checkpoint[r]) for r in found}
