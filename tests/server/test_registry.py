"""The registry loads each competition once, however many ask at the same time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from events.store import open_store
from server.errors import ApiError
from server.registry import Registry
from tests.server.conftest import contest, make_competition


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
