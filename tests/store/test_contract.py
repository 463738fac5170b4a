"""The store contract, held by every backend (see tests/conftest.py: ``backend``)."""

from __future__ import annotations

import asyncio

import pytest

from events.catalog import ContestantCalled
from events.chain import averify_records
from events.envelope import GENESIS, SYSTEM, Actor, Envelope
from events.errors import ConflictError, PipelineBroken, StoreClosed
from events.group_commit import Pipeline
from events.store import EMPTY_HEAD, Store, open_store
from tests.store.appender import append_retrying

ADMIN = Actor(role="admin", id="a1")


def called(*names: str) -> list[ContestantCalled]:
    return [ContestantCalled(contestant=name) for name in names]


async def read_all(store: Store, stream: str) -> list[Envelope]:
    return [envelope async for envelope in store.read(stream)]


async def assert_chain_valid(store: Store, stream: str, length: int) -> None:
    verdict = await averify_records(stream, store.read_records(stream), deep=True)
    assert verdict.ok, verdict.problem
    assert verdict.head_seq == length
    assert await store.head(stream) == (verdict.head_seq, verdict.head_hash)


async def test_200_concurrent_appenders_get_every_seq_once(store: Store) -> None:
    names = [f"c{i}" for i in range(200)]
    acked = await asyncio.gather(*(append_retrying(store, "comp", name) for name in names))

    stored = await read_all(store, "comp")
    assert [e.seq for e in stored] == list(range(1, 201))
    assert {e.data for e in stored} == set(called(*names))
    assert sorted(acked, key=lambda e: e.seq) == stored
    await assert_chain_valid(store, "comp", 200)


async def test_same_expected_seq_exactly_one_wins(store: Store) -> None:
    before = await store.append("comp", called("c0"), actor=ADMIN, expected_seq=0)

    results = await asyncio.gather(
        store.append("comp", called("a"), actor=ADMIN, expected_seq=1),
        store.append("comp", called("b"), actor=ADMIN, expected_seq=1),
        return_exceptions=True,
    )

    [won] = [r for r in results if isinstance(r, list)]
    [lost] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(lost, ConflictError)
    assert (lost.expected_seq, lost.head_seq) == (1, 2)
    assert await read_all(store, "comp") == before + won
    with pytest.raises(ConflictError, match="at seq 2, not at the expected seq 1"):
        await store.append("comp", called("c"), actor=ADMIN, expected_seq=1)
    await assert_chain_valid(store, "comp", 2)


async def test_idempotency_key_returns_the_first_append(store: Store) -> None:
    first = await store.append(
        "comp", called("a", "b"), actor=ADMIN, expected_seq=0, idempotency_key="sub-1"
    )
    # A retry: even with a stale expected_seq and other events, nothing is appended.
    again = await store.append(
        "comp", called("x"), actor=ADMIN, expected_seq=0, idempotency_key="sub-1"
    )
    assert again == first
    assert [e.seq for e in first] == [1, 2]
    assert await read_all(store, "comp") == first
    # The key belongs to its stream: another stream may use it.
    other = await store.append(
        "other", called("a"), actor=ADMIN, expected_seq=0, idempotency_key="sub-1"
    )
    assert [e.seq for e in other] == [1]


async def test_the_append_made_under_a_key_is_found_by_it(store: Store) -> None:
    """What a repeated command already did, asked before it is decided again."""
    await store.append("comp", called("a"), actor=ADMIN, expected_seq=0)
    keyed = await store.append(
        "comp", called("b", "c"), actor=ADMIN, expected_seq=1, idempotency_key="admin:a:k1"
    )
    await store.append("other", called("a"), actor=ADMIN, expected_seq=0, idempotency_key="k2")

    assert await store.keyed("comp", "admin:a:k1") == keyed
    assert [e.seq for e in keyed] == [2, 3]
    assert await store.keyed("comp", "k2") == []  # another stream's
    assert await store.keyed("comp", "admin:a:k9") == []


async def test_idempotency_key_appended_concurrently(store: Store) -> None:
    results = await asyncio.gather(
        *(
            store.append("comp", called("a", "b"), actor=ADMIN, expected_seq=0, idempotency_key="k")
            for _ in range(5)
        )
    )
    assert all(result == results[0] for result in results)
    assert await read_all(store, "comp") == results[0]
    await assert_chain_valid(store, "comp", 2)


async def test_idempotency_key_appended_from_two_connections(store_url: str, store: Store) -> None:
    second = await open_store(store_url)
    try:
        results = await asyncio.gather(
            store.append("comp", called("a"), actor=ADMIN, expected_seq=0, idempotency_key="k"),
            second.append("comp", called("a"), actor=ADMIN, expected_seq=0, idempotency_key="k"),
        )
    finally:
        await second.close()
    assert results[0] == results[1]
    assert await read_all(store, "comp") == results[0]


async def test_a_key_another_connection_used_after_this_one_appended_is_known(
    store_url: str, store: Store
) -> None:
    """The first connection has appended to the stream (and so read what it
    holds) before the second uses a key there: a retry of that key through the
    first still returns the second's events."""
    mine = await store.append(
        "comp", called("a"), actor=ADMIN, expected_seq=0, idempotency_key="k1"
    )
    second = await open_store(store_url)
    try:
        theirs = await second.append(
            "comp", called("b", "c"), actor=ADMIN, expected_seq=1, idempotency_key="k2"
        )
    finally:
        await second.close()
    again = await store.append(
        "comp", called("x"), actor=ADMIN, expected_seq=1, idempotency_key="k2"
    )
    assert again == theirs
    assert [e.seq for e in theirs] == [2, 3]
    assert await read_all(store, "comp") == mine + theirs


async def test_idempotency_keys_outlive_the_store_that_appended(
    store_url: str, store: Store
) -> None:
    first = await store.append(
        "comp", called("a", "b"), actor=ADMIN, expected_seq=0, idempotency_key="k"
    )
    await store.append("comp", called("c"), actor=ADMIN, expected_seq=2)
    await store.close()
    reopened = await open_store(store_url)
    try:
        again = await reopened.append(
            "comp", called("x"), actor=ADMIN, expected_seq=3, idempotency_key="k"
        )
        assert again == first
        assert [e.seq for e in await read_all(reopened, "comp")] == [1, 2, 3]
    finally:
        await reopened.close()


async def test_read_streams_in_seq_order_within_bounds(store: Store) -> None:
    expected = 0
    for size in (1000, 999, 2):  # more than one page of every store's reader
        batch = called(*(f"c{expected + i}" for i in range(size)))
        await store.append("comp", batch, actor=ADMIN, expected_seq=expected)
        expected += size

    assert [e.seq for e in await read_all(store, "comp")] == list(range(1, 2002))
    window = [e.seq async for e in store.read("comp", from_seq=999, to_seq=1003)]
    assert window == [999, 1000, 1001, 1002, 1003]
    assert [e.seq async for e in store.read("comp", from_seq=2000)] == [2000, 2001]
    assert [e.seq async for e in store.read("comp", from_seq=2002)] == []
    assert [e.seq async for e in store.read("comp", from_seq=5, to_seq=4)] == []
    assert [r.seq async for r in store.read_records("comp", 1, 3)] == [1, 2, 3]
    assert [e.seq async for e in store.read("nothing")] == []


async def test_tail_yields_existing_then_new_events(
    store_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the store's own signal of another's commit can wake the tail in
    # time (PostgreSQL's NOTIFY, SQLite's data_version), not its slow poll.
    for module in ("events.sqlite", "events.postgres"):
        monkeypatch.setattr(f"{module}.TAIL_POLL_SECONDS", 60.0)
    await store.append("comp", called("a", "b", "c"), actor=ADMIN, expected_seq=0)
    tail = store.tail("comp", from_seq=2)
    try:
        async with asyncio.timeout(10):
            assert [(await anext(tail)).seq for _ in range(2)] == [2, 3]
            waiting = asyncio.ensure_future(anext(tail))
            await store.append("comp", called("d"), actor=ADMIN, expected_seq=3)
            assert (await waiting).data == ContestantCalled(contestant="d")
            # An append by another store on the same database (as by another process).
            other = await open_store(store_url)
            try:
                waiting = asyncio.ensure_future(anext(tail))
                await other.append("comp", called("e", "f"), actor=ADMIN, expected_seq=4)
                assert (await waiting).seq == 5
                assert (await anext(tail)).seq == 6
            finally:
                await other.close()
    finally:
        await tail.aclose()


async def test_streams_and_head(store: Store) -> None:
    assert await store.streams() == []
    assert await store.head("comp") == EMPTY_HEAD == (0, GENESIS)
    await store.append("comp-b", called("a"), actor=ADMIN, expected_seq=0)
    envelopes = await store.append("comp-a", called("a", "b"), actor=ADMIN, expected_seq=0)
    assert await store.streams() == ["comp-a", "comp-b"]
    assert await store.head("comp-a") == (2, envelopes[-1].hash)


async def test_streams_keep_independent_seqs_and_chains(store: Store) -> None:
    streams = ["north", "south", "east"]
    await asyncio.gather(
        *(append_retrying(store, stream, f"{stream}{i}") for i in range(20) for stream in streams)
    )
    for stream in streams:
        stored = await read_all(store, stream)
        assert [e.seq for e in stored] == list(range(1, 21))
        assert stored[0].prev == GENESIS
        assert {e.stream for e in stored} == {stream}
        await assert_chain_valid(store, stream, 20)


async def test_envelopes_returned_are_those_read_back(store: Store) -> None:
    envelopes = await store.append("comp", called("a", "b"), actor=ADMIN, expected_seq=0)
    assert await read_all(store, "comp") == envelopes
    first, second = envelopes
    assert (first.prev, second.prev) == (GENESIS, first.hash)
    assert first.actor == ADMIN and first.at == second.at and first.at.endswith("Z")


async def test_a_broken_pipeline_refuses_what_was_decided_on_it(store: Store) -> None:
    """A pipelined append decided on one that failed is refused even where
    another writer's event makes its expected_seq match the head."""
    await store.append("p", [ContestantCalled(contestant="other")], actor=SYSTEM, expected_seq=0)
    pipeline = Pipeline()
    stale = asyncio.create_task(  # decided on head 0: the other writer got there first
        store.append(
            "p", [ContestantCalled(contestant="a")], actor=SYSTEM, expected_seq=0, pipeline=pipeline
        )
    )
    decided_on_it = asyncio.create_task(  # expects the seq the stale append would have made
        store.append(
            "p", [ContestantCalled(contestant="b")], actor=SYSTEM, expected_seq=1, pipeline=pipeline
        )
    )
    with pytest.raises(ConflictError):
        await stale
    with pytest.raises(PipelineBroken):
        await decided_on_it
    with pytest.raises(PipelineBroken):  # later ones too, until a new pipeline
        await store.append(
            "p", [ContestantCalled(contestant="c")], actor=SYSTEM, expected_seq=1, pipeline=pipeline
        )
    assert (await store.head("p")).seq == 1
    fresh = await store.append(
        "p", [ContestantCalled(contestant="b")], actor=SYSTEM, expected_seq=1, pipeline=Pipeline()
    )
    assert fresh[0].seq == 2


async def test_enqueued_appends_commit_in_the_order_queued(store_url: str) -> None:
    """``enqueue`` queues at the call, with nothing to await first: appends
    expecting the seqs their predecessors will reach all commit, in order."""
    store = await open_store(store_url)
    try:
        pipeline = Pipeline()
        futures = [
            store.enqueue(
                "q",
                called(f"c{n}"),
                actor=ADMIN,
                expected_seq=n,
                idempotency_key=f"k{n}",
                pipeline=pipeline,
            )
            for n in range(50)
        ]
        outcomes = await asyncio.gather(*futures)
        assert [envelopes[0].seq for envelopes in outcomes] == list(range(1, 51))
        assert [e.data for e in await read_all(store, "q")] == called(*(f"c{n}" for n in range(50)))
        again = await store.enqueue(
            "q", called("c0"), actor=ADMIN, expected_seq=50, idempotency_key="k0"
        )
        assert again == outcomes[0]  # the first append's envelopes: nothing appended
        await assert_chain_valid(store, "q", 50)
    finally:
        await store.close()
    with pytest.raises(StoreClosed):  # refused at the call, not in a future
        store.enqueue("q", called("late"), actor=ADMIN, expected_seq=50)
