"""The registry loads each competition once, however many ask at the same time."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from events.store import open_store
from server.errors import ApiError
from server.registry import Registry
from tests.server.conftest import contest, make_competition, serving


async def test_concurrent_first_requests_share_one_live_state(tmp_path: Path) -> None:
    db = tmp_path / "leitai.db"
    await make_competition(db, contest())
    store = await open_store(str(db))
    registry = Registry(store)
    try:
        lives = await asyncio.gather(*(registry.get("t") for _ in range(20)))
        assert len({id(live) for live in lives}) == 1
        assert registry.loaded() == [lives[0]]
        with pytest.raises(ApiError) as caught:
            await registry.get("missing")
        assert caught.value.code == "unknown_competition"
    finally:
        await registry.close()
        await store.close()


async def test_a_log_that_cannot_be_read_is_named_and_hides_only_its_competition(
    tmp_path: Path,
) -> None:
    """A row forged past the head by another client of the database made every
    request of the server, the list of competitions too, a 500."""
    db = tmp_path / "leitai.db"
    await make_competition(db, contest())
    other = await make_competition(db, contest(stream="u"))
    with sqlite3.connect(db) as raw:
        row = raw.execute("SELECT at, type, body, hash FROM events WHERE stream = 't' AND seq = 5")
        raw.execute(
            "INSERT INTO events (stream, seq, at, type, body, hash) VALUES ('t', 1000, ?, ?, ?, ?)",
            row.fetchone(),
        )
    with serving(db, contest(stream="u"), other) as server:
        async with httpx.AsyncClient(timeout=30) as http:
            listed = await http.get(f"{server.url}/api/competitions")
            assert listed.status_code == 200
            assert [c["id"] for c in listed.json()] == ["u"]
            broken = await http.get(f"{server.url}/api/competitions/t/board")
            assert broken.status_code == 503
            assert broken.json()["error"]["code"] == "log_broken"
            assert "leitai verify" in broken.json()["error"]["message"]
            assert (await http.get(f"{server.url}/api/competitions/u/board")).status_code == 200
