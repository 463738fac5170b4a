"""Views as patches over a real socket: a page that takes them holds, at every
seq, exactly the view a page taking whole views holds."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets

from tests.server.conftest import Server
from tests.server.test_live import points, post
from tests.server.test_patches import apply_patch

VIEWS = ("progress", "board_full", "audit")


class Follower:
    """Reads one socket: every view it holds after each message, and how many
    messages of each type (and their bytes) came."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.held: dict[str, tuple[int, Any]] = {}
        self.seen: dict[tuple[str, int], Any] = {}
        self.counts = {"view": 0, "patch": 0, "bytes": 0}
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            message = json.loads(text)
            assert message["type"] != "error", message
            if message["type"] == "view":
                self.held[message["view"]] = (message["seq"], message["data"])
            elif message["type"] == "patch":
                base, data = self.held[message["view"]]
                assert message["base"] == base, "a patch of a view this socket does not hold"
                self.held[message["view"]] = (message["seq"], apply_patch(data, message["ops"]))
            else:
                continue
            self.counts[message["type"]] += 1
            self.counts["bytes"] += len(str(text).encode())
            seq, data = self.held[message["view"]]
            self.seen[(message["view"], seq)] = data
            async with self._changed:
                self._changed.notify_all()

    async def hold(self, views: dict[str, Any]) -> None:
        """Until it holds each of ``views`` (name: data) as given."""

        def held() -> bool:
            return all(self.held.get(v, (0, None))[1] == data for v, data in views.items())

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(held), 30)

    async def reach(self, seq: int, views: tuple[str, ...] = VIEWS) -> None:
        """Until each of ``views`` is held at ``seq`` or later."""

        def reached() -> bool:
            return all(self.held.get(v, (0, None))[0] >= seq for v in views)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(reached), 30)

    async def close(self) -> None:
        await self.ws.close()
        await self._task


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_socket_taking_patches_holds_the_same_views_as_one_taking_them_whole(
    server: Server, client: httpx.AsyncClient
) -> None:
    followers = []
    for patches in (True, False):
        ws = await websockets.connect(server.ws(), compression=None)
        for view in VIEWS:
            subscribe = {"view": view, "token": server.auditor, "patches": patches}
            await ws.send(json.dumps({"type": "subscribe", **subscribe}))
        followers.append(Follower(ws))

    async def step(path: str, token: str, **body: Any) -> int:
        """Post, then wait for both sockets to hold every view as it is now, so
        that every step is a publication of its own, taken whole by both (a
        socket still writing one view when the next publication comes is sent
        only the latest)."""
        seq: int = (await post(client, server, path, token, **body))["seq"]
        for follower in followers:  # published (progress changes at every step) ...
            await follower.reach(seq, ("progress",))
        now = {}  # ... and the views of that publication, as served
        for view in VIEWS:
            answer = await client.get(
                server.api(f"/views/{view}"), headers=server.bearer(server.auditor)
            )
            now[view] = answer.json()["data"]
        for follower in followers:
            await follower.hold(now)
        return seq

    contestants = [f"g1c{i}" for i in range(1, 5)]
    last = 0
    for n, contestant in enumerate(contestants):
        await step("/stage", server.admin, contestant=contestant)
        for j in range(1, 6):
            body = {"points": points(f"B{j}", contestant), "submission_id": uuid.uuid4().hex}
            await step("/scores", server.judges[f"B{j}"], contestant=contestant, **body)
        if n % 2:  # a correction while scoring is open
            body = {"points": points("B9", contestant), "submission_id": uuid.uuid4().hex}
            await step("/scores", server.judges["B1"], contestant=contestant, **body)
        await step("/close", server.admin, contestant=contestant)
        last = await step("/reveal", server.admin, contestant=contestant)
    for follower in followers:
        await follower.reach(last)
        await follower.close()
    patched, whole = followers
    assert patched.counts["patch"] > len(contestants) * 5 * len(VIEWS), patched.counts
    assert whole.counts["patch"] == 0
    assert patched.counts["bytes"] < whole.counts["bytes"] / 2, (patched.counts, whole.counts)
    assert patched.seen.keys() == whole.seen.keys()
    for key, data in whole.seen.items():
        assert patched.seen[key] == data, key
