"""Class ids of a label map at inference, checked as training checks its data (tf_i2i/data/validate.py).

An id >= the model's class count that is not its dontcare id has no class: the generator would
see an all-zero one-hot pixel, a label it never trained on, and paint it wrongly without a word.
The label endpoints record their class count ('num_classes') and dontcare id ('dontcare_label')
in export_info.json; --out_of_range_labels picks what happens to such ids:
  error   the file is refused, naming the ids (default)
  ignore  they become unlabeled pixels: the dontcare id when the model has one (the class
          training gives unlabeled pixels), else left as they are (no class: all-zero one-hot,
          zero cluster features); each such file is logged with its ids
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
from absl import logging

from tf_i2i.models.serving.errors import ExportInputError

ERROR, IGNORE = "error", "ignore"
OUT_OF_RANGE_LABELS = (ERROR, IGNORE)


def checked_label_ids(ids: tf.Tensor, path: Path, info: Mapping[str, Any], policy: str = ERROR) -> tf.Tensor:
    """`ids` (int32 [H, W, 1]) after the check above against the endpoint's `info`; unchanged when
    info records no class count (exports written before it was recorded)."""
    if "num_classes" not in info:
        return ids
    num_classes, dontcare = int(info["num_classes"]), int(info.get("dontcare_label", -1))
    present = np.unique(ids.numpy())
    bad = [int(i) for i in present if i >= num_classes and i != dontcare]
    if not bad:
        return ids
    known = f"0..{num_classes - 1}" + (f" and the dontcare id {dontcare}" if dontcare >= 0 else "")
    if policy == ERROR:
        raise ExportInputError(f"label id out of range: {path} contains id(s) {bad[:8]} >= num_classes {num_classes} "
                               f"(the model knows {known}); --out_of_range_labels={IGNORE} treats them as unlabeled")
    logging.warning("%s: label id(s) %s >= num_classes %d treated as unlabeled", path, bad[:8], num_classes)
    if dontcare < 0:
        return ids
    return tf.where((ids >= num_classes) & (ids != dontcare), dontcare, ids)
