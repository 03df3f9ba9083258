"""Pairing the boxes of two pictures by class and order (INIT's example-guided translation: the k-th car
of the input takes the k-th car of the reference)."""

from __future__ import annotations

import collections
from collections.abc import Sequence


def match_by_class(classes: Sequence[int], reference_classes: Sequence[int], cyclic: bool = False) -> dict[int, int]:
    """Box index -> reference box index: the k-th box of a class takes the reference's k-th box of that
    class; without one it has no match, or with `cyclic` it takes the (k mod m)-th of the reference's m."""
    by_class: dict[int, list[int]] = collections.defaultdict(list)
    for j, cls in enumerate(reference_classes):
        by_class[int(cls)].append(j)
    seen: collections.Counter = collections.Counter()
    matches = {}
    for i, cls in enumerate(classes):
        same, k = by_class[int(cls)], seen[int(cls)]
        if same and (cyclic or k < len(same)):
            matches[i] = same[k % len(same)]
        seen[int(cls)] += 1
    return matches
