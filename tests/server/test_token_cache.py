"""``server.token_cache``: answers about tokens kept for their lifetime,
refreshed before they expire, looked up in batches; a real SQLite store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from events.credentials import Credential, SqliteCredentials, token_hash
from events.errors import StoreUnavailable
from server.token_cache import UNKNOWN, TokenCache

if TYPE_CHECKING:
    import aiosqlite


class Recorded(SqliteCredentials):
    """The SQLite credentials, recording each lookup; it may be made to wait
    for ``gate`` or to fail once."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn)
        self.calls: list[list[str]] = []
        self.asked = asyncio.Event()
        self.gate: asyncio.Event | None = None
        self.fail_next = False

    async def lookup(self, digests: Collection[str]) -> dict[str, Credential]:
        self.calls.append(list(digests))
        self.asked.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise StoreUnavailable("the disk is gone")
        return await super().lookup(digests)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def credentials(tmp_path: Path) -> AsyncIterator[Recorded]:
    recorded = await Recorded.open(tmp_path / "credentials.db")
    assert isinstance(recorded, Recorded)
    yield recorded
    await recorded.close()


async def _settled(cache: TokenCache) -> None:
    """Until the cache's lookups in the background are done."""
    while (lookups := cache._lookups) is not None:
        await lookups


async def test_requests_waiting_together_share_one_query(credentials: Recorded) -> None:
    tokens = [await credentials.issue("c", "judge", f"J{i}") for i in range(50)]
    cache = TokenCache(credentials, 2.0)
    answers = await asyncio.gather(*(cache.fetch(token_hash(t)) for t in tokens))
    assert [a.subject for a in answers if a is not None] == [f"J{i}" for i in range(50)]
    assert len(credentials.calls) == 1 and len(credentials.calls[0]) == 50
    assert await cache.fetch(token_hash("made up")) is None


async def test_an_answer_in_use_is_refreshed_before_it_expires(credentials: Recorded) -> None:
    token = token_hash(await credentials.issue("c", "judge", "J1"))
    clock = Clock()
    cache = TokenCache(credentials, 1.0, clock)
    first = await cache.fetch(token)
    assert first is not None and len(credentials.calls) == 1
    clock.now += 0.4
    assert cache.known(token) == first  # young: served, nothing asked
    await _settled(cache)
    assert len(credentials.calls) == 1
    clock.now += 0.2
    assert cache.known(token) == first  # past half its life: served, asked again meanwhile
    assert cache.known(token) == first  # ... once
    await _settled(cache)
    assert credentials.calls[1:] == [[token]]
    clock.now += 0.6  # the first answer would have expired; the refreshed one is young
    assert cache.known(token) == first


async def test_an_answer_is_trusted_for_its_lifetime_and_no_longer(
    credentials: Recorded,
) -> None:
    token = await credentials.issue("c", "judge", "J1")
    clock = Clock()
    cache = TokenCache(credentials, 1.0, clock)
    assert await cache.fetch(token_hash(token)) is not None
    # revoked by another process: trusted until the answer expires, then refused
    assert await credentials.revoke("c", "judge", "J1") == 1
    clock.now += 0.3
    assert cache.known(token_hash(token)) is not None
    clock.now += 0.7
    assert cache.known(token_hash(token)) is UNKNOWN
    assert await cache.fetch(token_hash(token)) is None


async def test_forget_drops_the_answer_of_a_query_in_flight(credentials: Recorded) -> None:
    token = token_hash(await credentials.issue("c", "judge", "J1"))
    cache = TokenCache(credentials, 2.0)
    credentials.gate = asyncio.Event()
    asking = asyncio.create_task(cache.fetch(token))
    await credentials.asked.wait()
    cache.forget()  # a revocation by this process, while the query runs
    credentials.gate.set()
    assert await asking is not None  # asked before the revocation
    assert cache.known(token) is UNKNOWN  # but not kept


async def test_a_store_error_reaches_every_waiting_request_once(credentials: Recorded) -> None:
    token = token_hash(await credentials.issue("c", "judge", "J1"))
    cache = TokenCache(credentials, 2.0)
    credentials.fail_next = True
    answers = await asyncio.gather(*(cache.fetch(token) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(a, StoreUnavailable) for a in answers)
    assert cache.known(token) is UNKNOWN
    answer = await cache.fetch(token)
    assert answer is not None and answer.subject == "J1"


async def test_a_cancelled_request_leaves_the_others_their_answer(credentials: Recorded) -> None:
    token = token_hash(await credentials.issue("c", "judge", "J1"))
    cache = TokenCache(credentials, 2.0)
    credentials.gate = asyncio.Event()
    gone = asyncio.create_task(cache.fetch(token))
    staying = asyncio.create_task(cache.fetch(token))
    await credentials.asked.wait()
    gone.cancel()
    credentials.gate.set()
    answer = await staying
    assert answer is not None and answer.subject == "J1"
    assert gone.cancelled()
