"""Config values checked before anything is built: one line naming the field, instead of a
ZeroDivisionError after step 1, a run that exits 0 having done nothing, or TensorFlow's
"Computed output size would be negative" deep inside the first step. tools/train.py (through
train()) and tools/bench.py run the same checks."""

from __future__ import annotations

import math

import ml_collections

from tf_i2i.data.augment import fixed_size
from tf_i2i.data.config import CROPPING
from tf_i2i.errors import ConfigError
from tf_i2i.registry import build_model
from tf_i2i.training.schedules import SCHEDULES
from tf_i2i.training.strategy import STRATEGIES

# train.* counts and intervals for which zero (or less) means nothing.
POSITIVE_COUNTS = ("batch_size", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints",
                   "max_nonfinite_steps")
ON_NONFINITE = ("stop", "skip_step")


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_train_values(config: ml_collections.ConfigDict) -> None:
    """train.* counts > 0, num_steps >= 0, known train.on_nonfinite, train.strategy and optim.schedule,
    learning rates finite and > 0, and the schedule's own numbers."""
    t, o = config.train, config.optim
    for name in POSITIVE_COUNTS:
        _require(_is_whole(t[name]) and t[name] > 0, f"train.{name} must be a whole number > 0, got {t[name]!r}")
    _require(_is_whole(t.num_steps) and t.num_steps >= 0,
             f"train.num_steps must be a whole number >= 0, got {t.num_steps!r}")
    for name, known in (("on_nonfinite", ON_NONFINITE), ("strategy", STRATEGIES)):
        _require(t[name] in known, f"train.{name} must be one of {known}, got {t[name]!r}")
    _require(o.schedule in SCHEDULES, f"optim.schedule must be one of {SCHEDULES}, got {o.schedule!r}")
    for name in ("g_lr", "d_lr"):
        value = o[name]
        _require(isinstance(value, (int, float)) and math.isfinite(value) and value > 0,
                 f"optim.{name} must be a finite number > 0, got {value!r}")
    if o.schedule == "linear":
        for name in ("constant_steps", "decay_steps"):
            _require(_is_whole(o[name]) and o[name] >= 0, f"optim.{name} must be a whole number >= 0, got {o[name]!r}")
    if o.schedule == "step":
        _require(_is_whole(o.step_size) and o.step_size > 0,
                 f"optim.step_size must be a whole number > 0, got {o.step_size!r}")
        _require(math.isfinite(o.gamma) and o.gamma > 0, f"optim.gamma must be a finite number > 0, got {o.gamma!r}")


def check_batch_split(batch_size: int, replicas: int) -> None:
    _require(batch_size % replicas == 0,
             f"train.batch_size={batch_size} is not divisible by the {replicas} replicas")


def training_sides(data: ml_collections.ConfigDict) -> dict[str, int]:
    """The image sides the data pipeline gives the model, by the fields that set them; empty when
    they follow each picture (preprocess 'none', 'scale_width')."""
    if data.preprocess in CROPPING or data.preprocess == "resize":
        return {f"data.crop_size={data.crop_size}": data.crop_size}
    if data.preprocess == "fixed":
        height, width = fixed_size(data)
        return {f"height {height} (data.crop_size={data.crop_size} / data.aspect_ratio={data.aspect_ratio})": height,
                f"data.crop_size={data.crop_size}": width}
    return {}


def check_input_sizes(config: ml_collections.ConfigDict) -> None:
    """The training image sides against the model's input_size_limits(), which its networks derive
    from the config (an unbuilt model: no weights are made)."""
    limits = build_model(config).input_size_limits()
    for what, side in training_sides(config.data).items():
        problem = limits.problem(side)
        _require(problem is None, f"{what}: the {config.model.name} model's image side {problem}")


def check_config(config: ml_collections.ConfigDict, replicas: int = 1) -> None:
    """Every check above, cheapest first."""
    check_train_values(config)
    check_batch_split(config.train.batch_size, replicas)
    check_input_sizes(config)
