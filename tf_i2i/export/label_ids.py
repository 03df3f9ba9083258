"""Class ids of a label map at inference, checked before the endpoint sees them.

An id the model has no class for (IdRange: >= its class count and not its dontcare id) would give
an all-zero one-hot pixel the generator never trained on; the endpoints refuse it in the graph.
Checking here first names the file and every offending id, and --out_of_range_labels picks what
happens to them:
  error   the file is refused, naming the ids (default)
  ignore  they become unlabeled pixels, the model's dontcare id (what training gives unlabeled
          pixels); a model without a dontcare id has no unlabeled class, so there it is an error too
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import logging

from tf_i2i.models.serving.checks import IdRange
from tf_i2i.models.serving.errors import ExportInputError

ERROR, IGNORE = "error", "ignore"
OUT_OF_RANGE_LABELS = (ERROR, IGNORE)


def checked_label_ids(ids: tf.Tensor, path: Path, accepted: IdRange | None, policy: str = ERROR) -> tf.Tensor:
    """`ids` (int32 [H, W, 1]) after the check above; unchanged when the endpoint records no class
    ids (label pictures, or exports written before they were recorded)."""
    if accepted is None:
        return ids
    present = np.unique(ids.numpy())
    bad = [int(i) for i in present[~accepted.valid(present)]]
    if not bad:
        return ids
    message = f"label id out of range: {path} contains id(s) {bad[:8]}; the model takes {accepted.describe()}"
    if policy == ERROR or accepted.dontcare_label < 0:
        hint = (f"; --out_of_range_labels={IGNORE} treats them as unlabeled" if accepted.dontcare_label >= 0
                else " and has no dontcare id to treat them as unlabeled")
        raise ExportInputError(message + hint)
    logging.warning("%s: label id(s) %s treated as unlabeled (the dontcare id %d)", path, bad[:8],
                    accepted.dontcare_label)
    return tf.where(accepted.valid(ids), ids, accepted.dontcare_label)
