"""Checks of official trainer options (argparse namespaces as dicts) that name the bad option, shared
by converters whose options are a flat namespace (DRIT-family trainers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from tf_i2i.convert.state_dict import ConversionError


def required(opts: Any, keys: Iterable[str], family: str) -> Mapping[str, Any]:
    """`opts` as a mapping holding every key the official trainer reads."""
    if not isinstance(opts, Mapping):
        raise ConversionError(f"official {family} options must be a mapping, got {type(opts).__name__}")
    missing = [k for k in keys if k not in opts]
    if missing:
        raise ConversionError(f"official {family} options lack {missing}")
    return opts


def int_option(value: Any, name: str, minimum: int = 1) -> int:
    """An integer >= minimum (a bool is not one, though Python says it is an int)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConversionError(f"{name}={value!r} must be an integer >= {minimum}")
    return int(value)


def bool_option(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ConversionError(f"{name}={value!r} must be a bool")
    return bool(value)


def choice_option(value: Any, name: str, choices: Iterable[Any]) -> Any:
    choices = list(choices)
    if value not in choices:
        raise ConversionError(f"{name}={value!r}; expected one of {choices}")
    return value
