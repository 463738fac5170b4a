"""Items of an async stream in lists: one call per list where a call per item costs too much."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import TypeVar

T = TypeVar("T")


async def batched(items: AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter, none empty)."""
    batch: list[T] = []
    async for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
