"""Reads the opt.txt an official training run leaves beside its checkpoints (BaseOptions.parse writes
every option as `key: str(value)` between "------------ Options -------------" and
"-------------- End ----------------"), so a conversion uses the options the weights were trained with."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tf_i2i.convert.state_dict import ConversionError

HEADER = "------------ Options -------------"
FOOTER = "-------------- End ----------------"


def _typed(text: str, default: Any, where: str):
    """str(value) back to the type of the option's default (bool before int: bool is an int)."""
    if isinstance(default, bool):
        if text not in ("True", "False"):
            raise ConversionError(f"{where}: expected True or False, got {text!r}")
        return text == "True"
    try:
        return type(default)(text)
    except ValueError:
        raise ConversionError(f"{where}: expected a {type(default).__name__}, got {text!r}") from None


def read_opt_file(path: str | Path, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The options of `defaults` that the file records, typed like the defaults; others are ignored
    (paths, GPU ids and schedules do not change the networks)."""
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"opt file {path} not found")
    lines = [line.rstrip("\r\n") for line in path.read_text().splitlines()]
    if HEADER not in lines or FOOTER not in lines:
        raise ConversionError(f"{path}: not an official opt.txt (no {HEADER!r} ... {FOOTER!r} block)")
    options = {}
    for number, line in enumerate(lines[lines.index(HEADER) + 1:lines.index(FOOTER)], lines.index(HEADER) + 2):
        key, sep, text = line.partition(":")
        if not sep:
            raise ConversionError(f"{path}:{number}: expected 'key: value', got {line!r}")
        if key in defaults:
            options[key] = _typed(text.removeprefix(" "), defaults[key], f"{path}:{number} ({key})")
    return options


def typed_option(opts: Mapping[str, Any], key: str, defaults: Mapping[str, Any]):
    """An official option, its official default when absent, type-checked like the official parser
    (an int is accepted where the default is a float)."""
    default = defaults[key]
    value = opts.get(key, default)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, type(default) if isinstance(default, int) else (int, float)) and \
            not isinstance(value, bool) and value >= 0
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConversionError(f"official option {key}={value!r} has the wrong type (default {default!r})")
    return value
