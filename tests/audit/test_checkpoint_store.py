"""Where checkpoints are kept, on every backend: beside the log, never in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from events.checkpoint_store import open_checkpoints
from events.store import Store, open_store
from tests.conftest import Backend


async def test_notes_are_kept_by_size_and_a_repeat_is_ignored(
    backend: Backend, store: Store
) -> None:
    checkpoints = await open_checkpoints(backend.url)
    try:
        assert await checkpoints.latest("t") is None and await checkpoints.notes("t") == []
        await checkpoints.add("t", 20, "note 20")
        await checkpoints.add("t", 5, "note 5")
        await checkpoints.add("t", 20, "another note 20")
        await checkpoints.add("u", 99, "note of u")
        assert await checkpoints.latest("t") == "note 20"
        assert await checkpoints.notes("t") == ["note 5", "note 20"]
    finally:
        await checkpoints.close()
    assert await store.streams() == []  # nothing went into the event table


async def test_reading_a_database_without_checkpoints_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'leitai.db'}"
    store = await open_store(url)
    await store.close()
    reader = await open_checkpoints(url, create=False)
    try:
        assert await reader.notes("t") == [] and await reader.latest("t") is None
    finally:
        await reader.close()
    database = sqlite3.connect(tmp_path / "leitai.db")
    try:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    finally:
        database.close()
    assert "events" in tables and "checkpoints" not in tables
