"""What every paper's official-checkpoint converter declares, so tools/convert.py needs no per-paper
code: the checkpoint files it takes, the official options it accepts (official names, defaults and
types, turned into flags), and the function that writes the run folder.

A paper's spec names its converter ("module:attribute", PaperSpec.converter); the tool builds one
flag per file or option name over all converters and passes the chosen paper's converter what was
given: files by flag name, options only when given (unset ones are the paper's official defaults).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tf_i2i.convert.state_dict import ConversionError

# Checkpoint-file flag names shared by the papers (one flag each in tools/convert.py).
CHECKPOINT = "checkpoint"
CHECKPOINT_B = "checkpoint_b"
CHECKPOINT_D = "checkpoint_d"
CHECKPOINT_E = "checkpoint_e"
OPT_FILE = "opt_file"
OFFICIAL_CONFIG = "official_config"

OPTION_TYPES = (bool, int, float, str)


@dataclass(frozen=True)
class FileFlag:
    """A checkpoint or option file the converter reads."""

    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class OptionFlag:
    """An official option under its official name: the official default (its type is the flag's)."""

    default: bool | int | float | str
    help: str = ""

    def __post_init__(self) -> None:
        if type(self.default) not in OPTION_TYPES:
            raise TypeError(f"an official option default must be one of {OPTION_TYPES}, got {self.default!r}")

    @property
    def type(self) -> type:
        return type(self.default)


Convert = Callable[[Mapping[str, Path], Mapping[str, Any], Path], Path]


@dataclass(frozen=True)
class OfficialConverter:
    """One paper's conversion of official checkpoints into a run folder.

    `convert(files, given_options, output_dir)` gets the given files by flag name and the given
    options (a subset of `options`), writes the run folder (tf_i2i.convert.run_folder) and returns
    its config.json path; it raises ConversionError for anything that does not fit.
    """

    model: str
    files: tuple[FileFlag, ...]
    convert: Convert
    options: Mapping[str, OptionFlag] = field(default_factory=dict)

    def run(self, files: Mapping[str, str | Path | None], given: Mapping[str, Any],
            output_dir: str | Path) -> Path:
        """Checks the files and options against the declarations, then converts."""
        known = {f.name for f in self.files}
        unknown = sorted(set(files) - known) + sorted(set(given) - set(self.options))
        if unknown:
            raise ConversionError(f"not an option of --model={self.model}: {', '.join('--' + n for n in unknown)}")
        missing = [f"--{f.name}" for f in self.files if f.required and files.get(f.name) is None]
        if missing:
            raise ConversionError(f"--model={self.model} needs {', '.join(missing)}")
        present = {name: Path(path) for name, path in files.items() if path is not None}
        absent = [f"--{name}={path}" for name, path in present.items() if not path.is_file()]
        if absent:
            raise ConversionError(f"no such file: {', '.join(absent)}")
        return self.convert(present, dict(given), Path(output_dir))


def option_flags(defaults: Mapping[str, bool | int | float | str], help: str) -> dict[str, OptionFlag]:
    """OptionFlags for a table of official defaults that share one help text."""
    return {name: OptionFlag(default, help) for name, default in defaults.items()}
