"""SQLite's idempotency keys live in the writer's memory, not in an index:
files made while they had a unique index (schema 1) are read and written
alike, and the writer learns a stream's keys from the file it opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from events.catalog import ContestantCalled
from events.envelope import SYSTEM
from events.sqlite import SqliteStore


def called(*names: str) -> list[ContestantCalled]:
    return [ContestantCalled(contestant=name) for name in names]


async def test_a_file_of_schema_1_with_its_key_index_still_takes_appends(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = await SqliteStore.open(path)
    await store.close()
    with sqlite3.connect(path) as raw:
        raw.execute(
            "CREATE UNIQUE INDEX events_idem ON events (stream, idem_key)"
            " WHERE idem_key IS NOT NULL"
        )
        raw.execute("PRAGMA user_version = 1")
    store = await SqliteStore.open(path, create=False)
    try:
        first = await store.append(
            "comp", called("a", "b"), actor=SYSTEM, expected_seq=0, idempotency_key="k"
        )
        again = await store.append(
            "comp", called("x"), actor=SYSTEM, expected_seq=0, idempotency_key="k"
        )
        other = await store.append(
            "comp", called("c"), actor=SYSTEM, expected_seq=2, idempotency_key="k2"
        )
    finally:
        await store.close()
    assert again == first
    assert [e.seq for e in other] == [3]
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM events").fetchone() == (3,)


async def test_a_new_file_has_no_index_on_keys(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "new.db")
    await store.close()
    with sqlite3.connect(tmp_path / "new.db") as raw:
        indexes = raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        assert indexes == []
        assert raw.execute("PRAGMA user_version").fetchone() == (2,)
