"""Reads the option file an official training run leaves beside its checkpoints, so a conversion uses
the options the weights were trained with. Three layouts, one `key: str(value)` per line:

- pix2pixHD opt.txt: between "------------ Options -------------" and "-------------- End ----------------";
- pytorch-CycleGAN-and-pix2pix train_opt.txt: between "----------------- Options ---------------" and
  "----------------- End -------------------", key right-aligned, value padded, and
  "\t[default: ...]" after a value that is not the default;
- SPADE opt.txt: the CycleGAN lines without the header and footer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tf_i2i.convert.state_dict import ConversionError

_BANNER = re.compile(r"-{4,} (Options|End) -{4,}")
_DEFAULT_NOTE = re.compile(r"\t\[default: .*\]$")


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


def _option_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of the option block: between the banners if there are any, else every line."""
    lines = list(enumerate(path.read_text().splitlines(), 1))
    banners = [(i, m.group(1)) for i, (_, line) in enumerate(lines) if (m := _BANNER.fullmatch(line.strip()))]
    if not banners:
        return [(n, line) for n, line in lines if line.strip()]
    if [kind for _, kind in banners[:2]] != ["Options", "End"]:
        raise ConversionError(f"{path}: not an official option file (an 'Options' banner, the options, an 'End' "
                              "banner)")
    return lines[banners[0][0] + 1:banners[1][0]]


def read_opt_file(path: str | Path, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The options of `defaults` that the file records, typed like the defaults; others are ignored
    (paths, GPU ids and schedules do not change the networks)."""
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"opt file {path} not found")
    options = {}
    for number, line in _option_lines(path):
        key, sep, text = line.partition(":")
        if not sep:
            raise ConversionError(f"{path}:{number}: expected 'key: value', got {line!r}")
        key = key.strip()
        if key in defaults:
            value = _DEFAULT_NOTE.sub("", text.removeprefix(" ")).rstrip(" ")
            options[key] = _typed(value, defaults[key], f"{path}:{number} ({key})")
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


def merged_options(defaults: Mapping[str, Any], opt_file: str | Path | None, given: Mapping[str, Any],
                   paper: str) -> dict[str, Any]:
    """Official defaults, then what the option file records, then `given` (command-line options).

    A given option that contradicts the file is an error rather than an override: the file records
    what the checkpoint was trained with, so a different value could only fail to load."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ConversionError(f"unknown {paper} option(s) {unknown}; known: {sorted(defaults)}")
    recorded = read_opt_file(opt_file, defaults) if opt_file is not None else {}
    clash = [f"{k}={v!r} (opt file: {recorded[k]!r})" for k, v in given.items() if k in recorded and recorded[k] != v]
    if clash:
        raise ConversionError(f"option(s) contradict {opt_file}: {', '.join(clash)}")
    return {**defaults, **recorded, **given}
