"""A ranking kept in order as results change: one changed score re-ranks one
contestant with a binary search, never a sort of the whole field.

``Ranking`` holds (key, contestant) pairs in ascending order in a list of
sorted chunks of at most ``Ranking.chunk`` pairs, found by a binary search over the
chunks' last pairs and then within one chunk: an insert or a removal costs
O(log n) comparisons and moves at most ``chunk`` pointers (a chunk that
grows past it splits in two, an empty one goes).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from typing import Any

Pair = tuple[Any, str]
"""A rank key (smaller is better) and the contestant's id."""


class Ranking:
    """(key, contestant) pairs in ascending order."""

    __slots__ = ("_chunks", "_lasts", "_size")
    chunk = 512

    def __init__(self, pairs: Iterable[Pair] = ()) -> None:
        ordered = sorted(pairs)
        self._chunks: list[list[Pair]] = [
            ordered[i : i + self.chunk // 2] for i in range(0, len(ordered), self.chunk // 2)
        ]
        self._lasts: list[Pair] = [chunk[-1] for chunk in self._chunks]
        self._size = len(ordered)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Pair]:
        for chunk in self._chunks:
            yield from chunk

    def __contains__(self, pair: Pair) -> bool:
        index = bisect_left(self._lasts, pair)
        if index == len(self._chunks):
            return False
        chunk = self._chunks[index]
        at = bisect_left(chunk, pair)
        return at < len(chunk) and chunk[at] == pair

    def add(self, pair: Pair) -> None:
        """Insert ``pair`` (not already present)."""
        self._size += 1
        if not self._chunks:
            self._chunks.append([pair])
            self._lasts.append(pair)
            return
        index = bisect_left(self._lasts, pair)
        if index == len(self._chunks):
            index -= 1
            self._chunks[index].append(pair)
            self._lasts[index] = pair
        else:
            insort(self._chunks[index], pair)
        chunk = self._chunks[index]
        if len(chunk) > self.chunk:
            half = len(chunk) // 2
            self._chunks[index : index + 1] = [chunk[:half], chunk[half:]]
            self._lasts[index : index + 1] = [chunk[half - 1], chunk[-1]]

    def remove(self, pair: Pair) -> None:
        """Remove ``pair``; raises ``KeyError`` if it is not present."""
        index = bisect_left(self._lasts, pair)
        chunk = self._chunks[index] if index < len(self._chunks) else []
        at = bisect_left(chunk, pair)
        if at == len(chunk) or chunk[at] != pair:
            raise KeyError(pair)
        del chunk[at]
        self._size -= 1
        if not chunk:
            del self._chunks[index]
            del self._lasts[index]
        elif at == len(chunk):
            self._lasts[index] = chunk[-1]
