"""Training reads exactly the bytes validation checked.

Validation keeps each file's content hash; the tf.data graph hashes the bytes it reads and asserts
they are the same, with the file's path in the assertion. Decoding is deterministic, so a file
that decoded during validation decodes again unless it changed, and a change stops training
naming the file instead of an anonymous "Invalid PNG data" a few steps in. The hash costs a few
microseconds per file and is plain graph ops, so it runs under any tf.distribute strategy.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import tensorflow as tf

from tf_i2i.data.errors import DatasetError

HASH_BUCKETS = 2**63 - 1  # the whole non-negative int64 range: the hash is farmhash64 modulo this
CHANGED = "data file changed since the data set was checked"
RERUN = "(run again to check it anew)"
_CHANGED_MESSAGE = re.compile(re.escape(CHANGED) + r": .*? " + re.escape(RERUN))
# "<prefix>}} <path>; <reason>" or "...Iterator::Root::Map: <path>; <reason>", then the failed ReadFile node
_READ_FAILURE = re.compile(r"[^\n]*(?:\}\} |Iterator::[\w:]+: )([^\n]*)\n\s*\[\[\{\{node ReadFile(_\d+)?\}\}\]\]")


def content_hash(data: tf.Tensor) -> tf.Tensor:
    """int64 [] hash of a file's bytes (scalar string tensor); the same in eager and graph mode."""
    return tf.strings.to_hash_bucket_fast(data, HASH_BUCKETS)


def read_checked(path: tf.Tensor, expected_hash: tf.Tensor) -> tf.Tensor:
    """The bytes of ``path``; fails naming the path when they are not the bytes validation hashed."""
    data = tf.io.read_file(path)
    same = tf.debugging.Assert(
        tf.equal(content_hash(data), expected_hash), [tf.strings.join([CHANGED, ": ", path, " ", RERUN])]
    )
    with tf.control_dependencies([same]):
        return tf.identity(data)


def read_checked_now(path: str, expected_hash: int) -> tf.Tensor:
    """read_checked run eagerly, for loaders outside the tf.data graph (video sequences): the
    same check, raised as a DatasetError naming the file."""
    try:
        data = tf.io.read_file(path)
    except (tf.errors.NotFoundError, tf.errors.PermissionDeniedError) as err:
        raise DatasetError(f"cannot read a data file during training: {path}; {err.message}") from err
    if int(content_hash(data)) != expected_hash:
        raise DatasetError(f"{CHANGED}: {path} {RERUN}")
    return data


@contextlib.contextmanager
def data_read_errors() -> Iterator[None]:
    """Turn a training-time failure of read_checked (a file changed or removed after validation)
    from a TensorFlow error into a one-line DatasetError naming the file; usable as a decorator."""
    try:
        yield
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError, tf.errors.PermissionDeniedError) as err:
        changed, unreadable = _CHANGED_MESSAGE.search(err.message), _READ_FAILURE.search(err.message)
        if changed:
            raise DatasetError(changed.group(0)) from err
        if unreadable:
            raise DatasetError(f"cannot read a data file during training: {unreadable.group(1)}") from err
        raise
