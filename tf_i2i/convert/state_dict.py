"""A torch state_dict held as numpy arrays, consumed key by key so nothing is silently left unused."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tf_i2i.errors import UserError


class ConversionError(UserError):
    """An official checkpoint does not fit the network it is loaded into (names the key and the shapes)."""


def shape_error(key: str, expected: tuple[int, ...], found: tuple[int, ...], source: str) -> ConversionError:
    """The one error for an official array of the wrong shape, in torch's order as the user's file
    holds it (conv weights [out, in, kh, kw]), so it can be checked against the file."""
    return ConversionError(f"{key}: expected shape {list(expected)}, found {list(found)} in {source}")


class StateDict:
    """Official parameter names -> arrays, with a record of which keys were loaded."""

    def __init__(self, arrays: Mapping[str, np.ndarray], source: str = "state_dict"):
        self.arrays = {k: np.asarray(v) for k, v in arrays.items()}
        self.source = source
        self.used: set[str] = set()

    def take(self, key: str) -> np.ndarray:
        """Returns the array for an official key and marks it used."""
        if key not in self.arrays:
            near = sorted(k for k in self.arrays if k.rsplit(".", 1)[0] == key.rsplit(".", 1)[0])
            hint = f" (keys under that module: {near})" if near else ""
            raise ConversionError(f"{self.source}: missing key {key!r}{hint}")
        self.used.add(key)
        return self.arrays[key]

    def has(self, key: str) -> bool:
        return key in self.arrays

    def path(self, key: str) -> str:
        """The official name of `key` (a view prepends its module prefix)."""
        return key

    def skip(self, key: str) -> None:
        """Marks a key we deliberately do not load (e.g. BatchNorm's num_batches_tracked)."""
        if key in self.arrays:
            self.used.add(key)

    def unused(self) -> list[str]:
        return sorted(set(self.arrays) - self.used)

    def check_all_used(self) -> None:
        """Raises if the checkpoint had parameters the network has no place for (wrong options)."""
        left = [k for k in self.unused() if not k.endswith("num_batches_tracked")]
        if left:
            raise ConversionError(
                f"{left[0]}: the network the options build has no place for it; {len(left)} official "
                f"parameter(s) were not loaded from {self.source}: {left[:8]}{' ...' if len(left) > 8 else ''}")

    def sub(self, prefix: str) -> "StateDictView":
        """A view that prepends `prefix.` to every key."""
        return StateDictView(self, prefix)


class StateDictView:
    """The keys of a StateDict under one module prefix."""

    def __init__(self, parent: StateDict, prefix: str):
        self.parent = parent
        self.prefix = prefix

    @property
    def source(self) -> str:
        return self.parent.source

    def path(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def take(self, key: str) -> np.ndarray:
        return self.parent.take(self.path(key))

    def has(self, key: str) -> bool:
        return self.parent.has(self.path(key))

    def skip(self, key: str) -> None:
        self.parent.skip(self.path(key))

    def sub(self, prefix: str) -> "StateDictView":
        return StateDictView(self.parent, self.path(prefix))
