"""The running-order draws, reproducible from their seed.

"sha256-fisher-yates": the contestants are sorted by id (ASCII order), then
shuffled by Fisher–Yates from the last position down: for i = n−1 … 1,
draw number c (counting from 0) is ``sha256(seed as UTF-8 || c as 8-byte
big-endian)`` read as a big-endian unsigned integer, and position i swaps
with position ``that integer mod (i + 1)``. "sha256-fisher-yates-by-group":
the groups one after another, each group's contestants drawn so with the
seed ``seed + "/" + group id``, for a show run group by group.
docs/rules.md is the normative text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def draw_order(seed: str, contestants: Iterable[str]) -> tuple[str, ...]:
    """The running order ``seed`` gives for ``contestants``."""
    order = sorted(contestants)
    prefix = seed.encode()
    for counter, i in enumerate(range(len(order) - 1, 0, -1)):
        digest = hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest()
        j = int.from_bytes(digest, "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def draw_by_group(
    seed: str, contestants: Iterable[tuple[str, str]], groups: Sequence[str]
) -> tuple[str, ...]:
    """The running order ``seed`` gives for ``contestants`` (id, group), group by
    group in the order of ``groups`` (every contestant's group is in it)."""
    members: dict[str, list[str]] = {group: [] for group in groups}
    for contestant, group in contestants:
        members[group].append(contestant)
    return tuple(c for group in groups for c in draw_order(f"{seed}/{group}", members[group]))
