"""The running-order draw "sha256-fisher-yates", reproducible from its seed.

The contestants are sorted by id (ASCII order), then shuffled by
Fisher–Yates from the last position down: for i = n−1 … 1, draw number c
(counting from 0) is ``sha256(seed as UTF-8 || c as 8-byte big-endian)``
read as a big-endian unsigned integer, and position i swaps with position
``that integer mod (i + 1)``. docs/rules.md is the normative text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def draw_order(seed: str, contestants: Iterable[str]) -> tuple[str, ...]:
    """The running order ``seed`` gives for ``contestants``."""
    order = sorted(contestants)
    prefix = seed.encode()
    for counter, i in enumerate(range(len(order) - 1, 0, -1)):
        digest = hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest()
        j = int.from_bytes(digest, "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)
