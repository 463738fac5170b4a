"""What only the PostgreSQL store has to show: the same bytes as SQLite, TRUNCATE
refused, and a store that rides out killed connections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from events.catalog import ContestantCalled
from events.chain import averify_records
from events.credentials import open_credentials
from events.envelope import SYSTEM, Envelope
from events.errors import StoreUnavailable
from events.store import open_store
from tests.conftest import PostgresBackend, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg() -> AsyncIterator[PostgresBackend]:
    await require_postgres()
    backend = PostgresBackend()
    try:
        yield backend
    finally:
        await backend.drop()


async def test_envelopes_are_byte_for_byte_those_of_sqlite(
    pg: PostgresBackend, tmp_path: Path
) -> None:
    moment = datetime(2026, 5, 1, 19, 30, 0, 123456, tzinfo=UTC)
    events = [ContestantCalled(contestant=f"c{i}") for i in range(5)]
    records = []
    for url in (pg.url, f"sqlite://{tmp_path / 'leitai.db'}"):
        store = await open_store(url, clock=lambda: moment)
        try:
            await store.append("comp", events[:2], actor=SYSTEM, expected_seq=0)
            await store.append("comp", events[2:], actor=SYSTEM, expected_seq=2)
            records.append([r async for r in store.read_records("comp")])
        finally:
            await store.close()
    on_postgres, on_sqlite = records
    assert [(r.seq, bytes(r.body), r.hash) for r in on_postgres] == [
        (r.seq, bytes(r.body), r.hash) for r in on_sqlite
    ]


async def test_truncate_is_refused(pg: PostgresBackend) -> None:
    store = await open_store(pg.url)
    try:
        await store.append("comp", [ContestantCalled(contestant="a")], actor=SYSTEM, expected_seq=0)
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await pg.raw("TRUNCATE leitai_events")
        assert (await store.head("comp")).seq == 1
    finally:
        await store.close()


async def test_killed_connections_lose_nothing_and_count_nothing_twice(
    pg: PostgresBackend,
) -> None:
    store = await open_store(pg.url)
    other = await open_store(pg.url)
    tail = store.tail("comp")
    try:
        first = await store.append(
            "comp", [ContestantCalled(contestant="a")], actor=SYSTEM, expected_seq=0
        )
        assert [await anext(tail)] == first
        assert await pg.terminate_store_connections() >= 4  # pools, writers, listeners

        # The writer may learn of its dead connection only from this append; a
        # retry with the same key then appends it exactly once.
        async def append_b() -> list[Envelope]:
            event = ContestantCalled(contestant="b")
            return await store.append(
                "comp", [event], actor=SYSTEM, expected_seq=1, idempotency_key="after-kill"
            )

        try:
            second = await append_b()
        except StoreUnavailable:
            second = await append_b()
        assert await append_b() == second
        assert [await anext(tail)] == second
        # Appended by another store: the tail hears of it by NOTIFY or by its poll.
        third = await other.append(
            "comp", [ContestantCalled(contestant="c")], actor=SYSTEM, expected_seq=2
        )
        assert [await anext(tail)] == third
        verdict = await averify_records("comp", store.read_records("comp"))
        assert verdict.ok and verdict.head_seq == 3
    finally:
        await tail.aclose()
        await other.close()
        await store.close()


async def test_an_unreachable_server_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot connect") as caught:
        await open_store("postgresql://postgres@127.0.0.1:1/test")
    assert "\n" not in str(caught.value)


async def test_a_side_table_that_cannot_be_made_is_unavailable_and_holds_no_connection(
    pg: PostgresBackend,
) -> None:
    # the schema does not exist until the log is opened; the pool's
    # connections are closed, not left to the collector (a ResourceWarning,
    # an error here)
    with pytest.raises(StoreUnavailable, match="credentials unavailable"):
        await open_credentials(pg.url)
