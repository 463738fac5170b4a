"""A socket subscribing again with the view it holds (``since`` and ``basis``)
is sent only what it lacks: a few bytes when nothing changed, the patch when
it is one publication behind, the whole view otherwise."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import websockets

from server.basis import basis
from tests.server.conftest import Server
from tests.server.test_live import points, post
from tests.server.test_patch_socket import Follower
from tests.server.test_patches import apply_patch

SENTINEL = "setup"
"""Subscribed last on every socket: its view comes after any answer to the
subscriptions before it, so a test reads up to it and knows it saw them all."""


async def resubscribe(server: Server, views: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Subscribe on a new socket to each of ``views`` (its extra fields), then
    to the sentinel; every message up to the sentinel's view."""
    async with websockets.connect(server.ws(), compression=None) as ws:
        for view, fields in views.items():
            subscribe = {"type": "subscribe", "view": view, "token": server.auditor}
            await ws.send(json.dumps({**subscribe, "patches": True, **fields}))
        await ws.send(json.dumps({"type": "subscribe", "view": SENTINEL}))
        messages = []
        while True:
            message = json.loads(await ws.recv())
            assert message["type"] != "error", message
            if message.get("view") == SENTINEL:
                return messages
            messages.append(message)


def held(follower: Follower, view: str, basis_: str) -> dict[str, Any]:
    return {"since": follower.held[view][0], "basis": basis_}


async def score(client: httpx.AsyncClient, server: Server, judge: str, contestant: str) -> int:
    body = {"points": points(judge, contestant), "submission_id": uuid.uuid4().hex}
    seq: int = (
        await post(client, server, "/scores", server.judges[judge], contestant=contestant, **body)
    )["seq"]
    return seq


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_page_holding_the_current_view_is_not_sent_it_again(
    server: Server, client: httpx.AsyncClient
) -> None:
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    seq = await score(client, server, "B1", "g1c1")
    views = {"board": {}, "board_full": {}, "progress": {}}
    first = await resubscribe(server, views)
    assert [m["type"] for m in first] == ["view"] * 3
    assert {m["seq"] for m in first} == {seq}
    bases = {m["basis"] for m in first}
    assert len(bases) == 1
    whole_bytes = sum(len(json.dumps(m)) for m in first)

    again = await resubscribe(
        server, {m["view"]: {"since": m["seq"], "basis": m["basis"]} for m in first}
    )

    assert again == [{"type": "current", "view": v, "seq": seq} for v in views]
    assert sum(len(json.dumps(m)) for m in again) * 20 < whole_bytes


VIEW = "board_full"
"""Large enough for a score's patch to be under half of it (else it goes whole)."""


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_page_one_publication_behind_is_sent_the_patch_and_further_behind_the_view(
    server: Server, client: httpx.AsyncClient
) -> None:
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    # the organisers' console, watching all along: the hub's last two messages are its
    console = await websockets.connect(server.ws(), compression=None)
    subscribe = {"type": "subscribe", "view": VIEW, "token": server.auditor, "patches": True}
    await console.send(json.dumps(subscribe))
    watcher = Follower(console)
    await watcher.reach(2, (VIEW,))
    the_basis = (await resubscribe(server, {VIEW: {}}))[0]["basis"]
    behind: list[dict[str, Any]] = []
    for judge in ("B1", "B2", "B3"):
        behind.append({VIEW: held(watcher, VIEW, the_basis)})
        await watcher.reach(await score(client, server, judge, "g1c1"), (VIEW,))

    one_behind = await resubscribe(server, behind[-1])
    two_behind = await resubscribe(server, behind[-2])

    [patch] = one_behind
    since = behind[-1][VIEW]["since"]
    assert (patch["type"], patch["base"], patch["seq"]) == ("patch", since, watcher.held[VIEW][0])
    assert apply_patch(watcher.seen[(VIEW, since)], patch["ops"]) == watcher.held[VIEW][1]
    [whole] = two_behind
    assert (whole["type"], whole["data"]) == ("view", watcher.held[VIEW][1])
    await watcher.close()


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_another_basis_or_none_gets_the_whole_view(
    server: Server, client: httpx.AsyncClient
) -> None:
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    first = (await resubscribe(server, {"board": {}}))[0]
    seq = first["seq"]
    other_log = basis("f" * 64)
    assert other_log != first["basis"]
    other_code = first["basis"].split(".")[0] + ".0000000000000000"

    for fields in (
        {"since": seq},
        {"since": seq, "basis": other_log},
        {"since": seq, "basis": other_code},
    ):
        again = await resubscribe(server, {"board": fields})
        assert [(m["type"], m["seq"]) for m in again] == [("view", seq)], fields
        assert again[0]["data"] == first["data"]


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_presence_is_always_sent_whole(server: Server, client: httpx.AsyncClient) -> None:
    async with websockets.connect(server.ws(), compression=None) as ws:
        await ws.send(json.dumps({"type": "subscribe", "view": "presence", "token": server.admin}))
        first = json.loads(await ws.recv())
    assert "basis" not in first
    async with websockets.connect(server.ws(), compression=None) as ws:
        subscribe = {"type": "subscribe", "view": "presence", "token": server.admin}
        again = {**subscribe, "patches": True, "since": first["seq"], "basis": "x"}
        await ws.send(json.dumps(again))
        assert json.loads(await ws.recv())["type"] == "view"
