"""Raw label-layout parts (decoded files or rendered frames) -> the values models see, before augmentation."""

from __future__ import annotations

import ml_collections
import tensorflow as tf

from tf_i2i.data.config import rgb_labels
from tf_i2i.data.decode import match_channels, to_float
from tf_i2i.data.labels import remap_dontcare


def label_parts(raw: dict[str, tf.Tensor], cfg: ml_collections.ConfigDict) -> dict[str, tf.Tensor]:
    """"label" (dontcare remapped) or "label_image" in [-1, 1], "instance", "image" in [-1, 1], as the config
    asks; ``raw`` holds int32 [..., H, W, 1] maps and uint8 [..., H, W, C] pictures (single frames or stacks)."""
    if rgb_labels(cfg):
        parts = {"label_image": match_channels(to_float(raw["label_image"]), cfg.a_channels)}
    else:
        parts = {"label": remap_dontcare(raw["label"], cfg.num_classes, cfg.dontcare_label)}
    if cfg.use_instance:
        parts["instance"] = raw["instance"]
    if cfg.use_image:
        parts["image"] = match_channels(to_float(raw["image"]), cfg.b_channels)
    return parts
