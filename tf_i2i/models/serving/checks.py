"""Serving-time input checks, inside the endpoint graphs so TF Serving clients get them too.

An endpoint checks, in this order, before its generator runs:
  1. every input's shape: its rank, its fixed dimensions (channels, code length, frame count), a
     batch of at least 1 and, for an NHWC (or frames NTHWC) input, a height and width of at least 1;
     inputs the endpoint sizes after the first (size_divisors) have its height and width divided by
     their divisor. The signature's TensorSpec
     only binds Python callers; a signature call (what TF Serving runs) feeds any shape, so the
     rank is counted from the runtime shape's values (a rank read from the static shape would be
     folded to a constant);
  2. the first input's size rule (multiples of the size multiple, or the one size of SPADE);
  3. class ids (IdRange inputs: label maps, domain ids) always; with `check_range`, also NaN/inf in
     any float input and image inputs outside [-1, 1].
Each failure is an InvalidArgumentError whose message starts with "tf_i2i endpoint '<name>':",
names the input and ends with the values it got; failed_check turns it back into one line.
TFLite has no assert op: the converter drops these checks, so a .tflite file relies on its fixed
shapes, and value checks are the client's (tf_i2i.export.run_tflite applies them).
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import tensorflow as tf

from tf_i2i.models.serving.tensors import FLOAT_RANGE

_FAILED_CHECK = re.compile(r"assertion failed: \[(tf_i2i endpoint .*?)\] ((?:\[[^\[\]]*\] ?)+)$", re.MULTILINE)
_SUMMARIZE = 8  # values an assert prints of each tensor: a whole shape


@dataclasses.dataclass(frozen=True)
class IdRange:
    """Class ids an int input accepts: 0..num_classes-1, and with a dontcare label (>= 0, as
    data.dontcare_label) that id and num_classes (the id it is mapped to)."""

    num_classes: int
    dontcare_label: int = -1

    def valid(self, ids: tf.Tensor | np.ndarray) -> tf.Tensor | np.ndarray:
        """Elementwise: is the id accepted (works on tensors and numpy arrays)."""
        ok = (ids >= 0) & (ids < self.num_classes)
        if self.dontcare_label >= 0:
            ok = ok | (ids == self.num_classes) | (ids == self.dontcare_label)
        return ok

    def describe(self) -> str:
        extra = f" or the dontcare id {self.dontcare_label}" if self.dontcare_label >= 0 else ""
        return f"class ids in [0, {self.num_classes}){extra}"

    def to_json(self) -> dict:
        return {"num_classes": self.num_classes, **({"dontcare_label": self.dontcare_label}
                                                    if self.dontcare_label >= 0 else {})}

    @classmethod
    def from_json(cls, entry: dict) -> IdRange:
        return cls(entry["num_classes"], entry.get("dontcare_label", -1))


def _prefix(endpoint: str, name: str) -> str:
    return f"tf_i2i endpoint '{endpoint}': input '{name}'"


def _after(check: tf.Operation, tensor: tf.Tensor) -> tf.Tensor:
    with tf.control_dependencies([check]):
        return tf.identity(tensor)


def spatial_axes(rank: int) -> tuple[int, ...]:
    """The height and width axes of an input of `rank`: NHWC images and NTHWC frames end in H, W, C;
    none for a code [B, n] or a flag [B]."""
    return (rank - 3, rank - 2) if rank >= 4 else ()


def expected_shape(spec: tf.TensorSpec) -> str:
    """'[batch >= 1, height >= 1, width >= 1, 3]' for an NHWC spec, '[batch >= 1, 3, height >= 1,
    width >= 1, 1]' for 3 frames, '[batch >= 1, 8]' for a code; a fixed height or width as its number."""
    dims = spec.shape.as_list()
    sides = zip(spatial_axes(len(dims)), ("height >= 1", "width >= 1"))
    names = {0: "batch >= 1", **{axis: name for axis, name in sides if dims[axis] is None}}
    return "[" + ", ".join(names.get(i, str(d)) for i, d in enumerate(dims)) + "]"


def checked_shape(tensor: tf.Tensor, spec: tf.TensorSpec, endpoint: str) -> tf.Tensor:
    """`tensor` once its runtime shape fits `spec` (rank, fixed dims, batch and image sides >= 1)."""
    dims = spec.shape.as_list()
    shape = tf.shape(tensor)
    rank = tf.reduce_sum(tf.cast(shape >= 0, tf.int32))  # from the values: tf.rank would be folded
    padded = tf.concat([shape, tf.zeros([len(dims)], tf.int32)], 0)[:len(dims)]  # any rank: no bad index
    ok = [tf.equal(rank, len(dims)), padded[0] >= 1]
    ok += [tf.equal(padded[i], d) for i, d in enumerate(dims) if d is not None]
    ok += [padded[axis] >= 1 for axis in spatial_axes(len(dims))]
    check = tf.debugging.Assert(tf.reduce_all(tf.stack(ok)), [
        f"{_prefix(endpoint, spec.name)} must have shape {expected_shape(spec)}; got shape", shape],
        summarize=_SUMMARIZE)
    return _after(check, tensor)


def assert_multiple(tensor: tf.Tensor, multiple: int, endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check: a clear error instead of a shape mismatch deep inside the generator."""
    height, width = _sides(tensor)
    ok = tf.logical_and(height % multiple == 0, width % multiple == 0)
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} height and width must be multiples of {multiple} "
        "(resize or pad the input first); got height, width =", height, width])


def assert_min_side(tensor: tf.Tensor, min_side: int, endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check for an encoder that halves its input until a reflect pad runs out of
    pixels (DRIT's attribute encoder): a clear error instead of a MirrorPad failure."""
    shape = tf.shape(tensor)
    ok = tf.logical_and(shape[1] >= min_side, shape[2] >= min_side)
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} height and width must be at least {min_side}; "
        "got height, width =", shape[1], shape[2]])


def assert_size(tensor: tf.Tensor, size: tuple[int, int], endpoint: str, input_name: str) -> tf.Operation:
    """Serving-time check for an endpoint with one input size (SPADE's generator makes one size; INIT's
    instance endpoints are traced at one): the input must be that size."""
    height, width = _sides(tensor)
    ok = tf.logical_and(height == size[0], width == size[1])
    return tf.debugging.Assert(ok, [
        f"tf_i2i endpoint '{endpoint}': {input_name} must be {size[0]}x{size[1]} (height x width), the one "
        "size this endpoint takes (resize it first, nearest neighbour for label maps); got height, width =",
        height, width])


def _sides(tensor: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Runtime height and width of an image [B, H, W, C] or frames [B, T, H, W, C]."""
    shape = tf.shape(tensor)
    return shape[-3], shape[-2]


def checked_size(tensor: tf.Tensor, multiple: int, size: tuple[int, int] | None, endpoint: str,
                 name: str) -> tf.Tensor:
    """`tensor` once its height and width follow the size rule (assert_multiple or assert_size)."""
    check = (assert_multiple(tensor, multiple, endpoint, name) if size is None
             else assert_size(tensor, size, endpoint, name))
    return _after(check, tensor)


def checked_divided_size(tensor: tf.Tensor, first: tf.Tensor, divisor: int, endpoint: str, name: str,
                         first_name: str) -> tf.Tensor:
    """`tensor` once its height and width are those of `first` (the endpoint's first input) divided
    by `divisor`: a clear error instead of a shape mismatch inside the generator."""
    height, width = _sides(tensor)
    first_height, first_width = _sides(first)
    ok = tf.logical_and(height == first_height // divisor, width == first_width // divisor)
    scale = "" if divisor == 1 else f" divided by {divisor}"
    check = tf.debugging.Assert(ok, [
        f"{_prefix(endpoint, name)} height and width must be those of input '{first_name}'{scale}; got "
        f"height, width and those of '{first_name}' =", height, width, first_height, first_width])
    return _after(check, tensor)


def checked_ids(tensor: tf.Tensor, ids: IdRange, endpoint: str, name: str) -> tf.Tensor:
    """`tensor` once every id in it is one `ids` accepts; the error shows the first other id."""
    valid = tf.reshape(ids.valid(tensor), [-1])
    first_bad = tf.gather(tf.reshape(tensor, [-1]), tf.argmin(tf.cast(valid, tf.int32)))
    check = tf.debugging.Assert(tf.reduce_all(valid), [
        f"{_prefix(endpoint, name)} must hold {ids.describe()}; got id, count of other ids =",
        first_bad, tf.reduce_sum(tf.cast(tf.logical_not(valid), tf.int32))])
    return _after(check, tensor)


def checked_values(tensor: tf.Tensor, image: bool, endpoint: str, name: str) -> tf.Tensor:
    """`tensor` once it is finite and, for an `image`, within FLOAT_RANGE (check_range)."""
    low, high = FLOAT_RANGE
    ok = tf.reduce_all(tf.math.is_finite(tensor))
    if image:
        ok = tf.logical_and(ok, tf.logical_and(tf.reduce_min(tensor) >= low, tf.reduce_max(tensor) <= high))
    check = tf.debugging.Assert(ok, [
        f"{_prefix(endpoint, name)} values must be {value_rule(image)} (check_range); got min, max, count of NaN/inf =",
        tf.reduce_min(tensor), tf.reduce_max(tensor),
        tf.reduce_sum(tf.cast(tf.logical_not(tf.math.is_finite(tensor)), tf.int32))])
    return _after(check, tensor)


def value_rule(image: bool) -> str:
    """What check_range requires of a float input (an `image` input, or another such as a code)."""
    low, high = FLOAT_RANGE
    return f"finite and in [{low:g}, {high:g}]" if image else "finite"


def failed_check(err: tf.errors.InvalidArgumentError) -> str | None:
    """The message of a failed check above with the values it got, one line; None for other
    errors. TF wraps a graph's assertion in framing, escapes its quotes and prints each value in
    brackets (a shape as '[1 0 0 3]', shown here as '[1, 0, 0, 3]')."""
    match = _FAILED_CHECK.search(err.message)
    if match is None:
        return None
    values = [_shown(v) for v in re.findall(r"\[([^\[\]]*)\]", match[2])]
    return f"{match[1]} {', '.join(values)}".replace("\\'", "'")


def _shown(value: str) -> str:
    parts = value.split()
    return value if len(parts) == 1 else "[" + ", ".join(parts) + "]"

