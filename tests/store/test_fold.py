"""The SQLite store folds a stream itself, in a thread of its own, its rows
read a chunk ahead by another: what a replay does on start. It must see
exactly what ``read`` sees."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from events.catalog import ContestantCalled
from events.envelope import SYSTEM, Envelope
from events.errors import LogFormatError, StoreClosed
from events.sqlite import FOLD_CHUNK, SqliteStore


def collect(seen: list[Envelope], envelope: Envelope) -> list[Envelope]:
    seen.append(envelope)
    return seen


async def filled(path: Path, count: int) -> SqliteStore:
    store = await SqliteStore.open(path)
    events = [ContestantCalled(contestant=f"c{i}") for i in range(1, count + 1)]
    for first in range(0, count, 1000):
        await store.append("comp", events[first : first + 1000], actor=SYSTEM, expected_seq=first)
    await store.append("other", events[:3], actor=SYSTEM, expected_seq=0)
    return store


def edit_by_hand(path: Path, column: str, seq: int, value: object) -> None:
    """Set ``column`` of stream ``comp``'s row ``seq``, past the append-only trigger."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS events_no_update")
    raw.execute(f"UPDATE events SET {column} = ? WHERE stream = 'comp' AND seq = ?", (value, seq))
    raw.close()


async def test_a_fold_sees_what_read_sees_across_chunks(tmp_path: Path) -> None:
    count = FOLD_CHUNK + 5
    store = await filled(tmp_path / "leitai.db", count)
    try:
        read = [e async for e in store.read("comp")]
        assert len(read) == count
        assert await store.fold("comp", [], collect) == read
        assert await store.fold("comp", [], collect, to_seq=7) == read[:7]
        assert await store.fold("comp", [], collect, to_seq=0) == []
        assert await store.fold("nothing", [], collect) == []
    finally:
        await store.close()


async def test_the_fold_runs_off_the_event_loop(tmp_path: Path) -> None:
    store = await filled(tmp_path / "leitai.db", 3)
    threads: set[int] = set()

    def step(count: int, envelope: Envelope) -> int:
        threads.add(threading.get_ident())
        return count + 1

    try:
        assert await store.fold("comp", 0, step) == 3
        assert threads and threading.get_ident() not in threads
    finally:
        await store.close()


async def test_a_malformed_row_stops_the_fold_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "leitai.db"
    store = await filled(path, 5)
    edit_by_hand(path, "body", 4, b'{"x":1}')
    seen: list[Envelope] = []
    try:
        with pytest.raises(LogFormatError, match="malformed envelope"):
            await store.fold("comp", seen, collect)
        assert [e.seq for e in seen] == [1, 2, 3]
    finally:
        await store.close()


async def test_a_closed_store_does_not_fold(tmp_path: Path) -> None:
    store = await filled(tmp_path / "leitai.db", 3)
    await store.close()
    with pytest.raises(StoreClosed):
        await store.fold("comp", [], collect)


async def test_a_body_rewritten_as_text_is_read_as_its_bytes(tmp_path: Path) -> None:
    """SQLite keeps a value's type: a body written back by hand as TEXT is
    still read (as bytes), so the chain check, not a crash, gives the verdict."""
    path = tmp_path / "leitai.db"
    store = await filled(path, 5)
    try:
        before = [e async for e in store.read("comp")]
        records = [r async for r in store.read_records("comp")]
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("DROP TRIGGER events_no_update")
        raw.execute("UPDATE events SET body = CAST(body AS TEXT) WHERE stream = 'comp'")
        assert raw.execute(
            "SELECT DISTINCT typeof(body) FROM events WHERE stream = 'comp'"
        ).fetchall() == [("text",)]
        raw.close()
        assert [e async for e in store.read("comp")] == before
        assert await store.fold("comp", [], collect) == before
        assert [r async for r in store.read_records("comp")] == records
    finally:
        await store.close()


def reader_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("leitai-read-")]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("type", "ContestantCalled\x1e"),
        ("hash", "ab\x1ecd"),
        ("type", b"ContestantCalled"),
    ],
)
async def test_a_chunk_that_cannot_be_joined_is_read_row_by_row(
    tmp_path: Path, column: str, value: str | bytes
) -> None:
    """The reader joins a chunk's rows with a separator; a row edited by hand
    to hold it (or to hold another kind of value) makes that chunk be read as
    ``read`` reads it, and the fold sees the same rows."""
    path = tmp_path / "leitai.db"
    store = await filled(path, FOLD_CHUNK + 5)
    try:
        edit_by_hand(path, column, 3, value)
        read = [e async for e in store.read("comp")]
        assert await store.fold("comp", [], collect) == read
    finally:
        await store.close()


async def test_a_separator_inside_a_body_gets_the_error_read_gives(tmp_path: Path) -> None:
    path = tmp_path / "leitai.db"
    store = await filled(path, 5)
    raw = sqlite3.connect(path)
    (body,) = raw.execute("SELECT body FROM events WHERE stream = 'comp' AND seq = 3").fetchone()
    raw.close()
    edit_by_hand(path, "body", 3, body.replace(b'"c3"', b'"c\x1e3"'))
    seen: list[Envelope] = []
    try:
        with pytest.raises(LogFormatError) as by_read:
            _ = [e async for e in store.read("comp")]
        with pytest.raises(LogFormatError) as by_fold:
            await store.fold("comp", seen, collect)
        assert str(by_fold.value) == str(by_read.value)
        assert [e.seq for e in seen] == [1, 2]
        assert reader_threads() == []
    finally:
        await store.close()


async def test_a_fold_stopped_by_its_step_stops_its_reader(tmp_path: Path) -> None:
    store = await filled(tmp_path / "leitai.db", 3 * FOLD_CHUNK)

    def step(count: int, envelope: Envelope) -> int:
        if envelope.seq == FOLD_CHUNK // 2:
            raise RuntimeError("the step failed")
        return count + 1

    try:
        with pytest.raises(RuntimeError, match="the step failed"):
            await store.fold("comp", 0, step)
        assert reader_threads() == []
    finally:
        await store.close()
