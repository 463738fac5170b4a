"""``server.batches.batched``: an async stream in lists, nothing lost or repeated."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.batches import batched


async def _count(n: int) -> AsyncIterator[int]:
    for i in range(n):
        yield i


@pytest.mark.parametrize(("n", "size", "sizes"), [(0, 3, []), (3, 3, [3]), (7, 3, [3, 3, 1])])
async def test_batched_gives_every_item_once_in_lists_of_size(
    n: int, size: int, sizes: list[int]
) -> None:
    batches = [batch async for batch in batched(_count(n), size)]
    assert [len(b) for b in batches] == sizes
    assert [i for b in batches for i in b] == list(range(n))
