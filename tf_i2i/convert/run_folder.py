"""A converted official model written as a tf_i2i run folder (config.json, checkpoints/ckpt-0,
options.json), so tools/translate.py --workdir and tools/export.py --workdir take it like a trained run.

The checkpoint holds `network_weights` (network name -> {weight path: variable}), the map
training checkpoints save weights under, and nothing else: no optimizer state, so the folder
serves inference and export, not resuming training. The folder is staged beside it and renamed at
the end (tf_i2i.atomic.staged_folder), so a failed or killed conversion leaves no half-written run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ml_collections

from tf_i2i import atomic
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.training.checkpoint import TrainCheckpoint

OPTIONS_FILE = "options.json"  # the official options and source files of the conversion


def check_no_checkpoints(output_dir: str | Path) -> None:
    """Refuses a folder with checkpoints: the newest of them, not the converted one, would be restored."""
    checkpoints = TrainCheckpoint.directory_for(output_dir)
    if checkpoints.exists():
        raise ConversionError(f"{checkpoints} exists: give an output folder without checkpoints, or the "
                              "newest of them would not be the converted one")


def write_run_folder(output_dir: str | Path, network_weights: Mapping[str, Mapping[str, Any]],
                     config: ml_collections.ConfigDict, manifest: Mapping[str, Any]) -> Path:
    """Writes the run folder; returns its config.json path. `manifest` (official options, sources)
    goes to options.json. An existing folder (without checkpoints) receives the files."""
    out = Path(output_dir)
    check_no_checkpoints(out)
    with atomic.staged_folder(out, merge=True) as staging:
        TrainCheckpoint(staging, {"network_weights": dict(network_weights)}).save(0)
        # As training's save_config writes it (not imported: tf_i2i.training.loop pulls in the whole trainer);
    # the staged folder makes it whole.
        (staging / "config.json").write_text(config.to_json_best_effort(indent=2))
        (staging / OPTIONS_FILE).write_text(json.dumps(dict(manifest), indent=1) + "\n")
    return out / "config.json"
