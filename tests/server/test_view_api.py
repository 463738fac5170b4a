"""``GET …/views/{view}``: a page's first load of a view, gzipped, then only
what changed over the socket."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
import websockets

from server.negotiation import takes_gzip
from tests.server.conftest import Server
from tests.server.test_live import post
from tests.server.test_patches import apply_patch
from tests.server.test_resubscribe import resubscribe, score

RAW = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


async def raw_get(
    server: Server, path: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (httpx would decode a gzipped one)."""
    async with (
        httpx.AsyncClient() as client,
        client.stream("GET", server.api(path), headers=headers) as answer,
    ):
        return answer, b"".join([chunk async for chunk in answer.aiter_raw()])


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_view_loaded_gzipped_is_the_sockets_message_and_then_current(
    server: Server, client: httpx.AsyncClient
) -> None:
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    seq = await score(client, server, "B1", "g1c1")
    zipped = await client.get(
        server.api("/views/board_full"), headers={**GZIP, **server.bearer(server.auditor)}
    )
    plain = await client.get(
        server.api("/views/board_full"), headers={**RAW, **server.bearer(server.auditor)}
    )

    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert int(zipped.headers["content-length"]) * 4 < int(plain.headers["content-length"])
    assert zipped.json() == plain.json()
    message = plain.json()
    assert (message["type"], message["view"], message["seq"]) == ("view", "board_full", seq)
    [socket] = await resubscribe(server, {"board_full": {}})
    assert message == socket

    again = await resubscribe(
        server, {"board_full": {"since": message["seq"], "basis": message["basis"]}}
    )
    assert again == [{"type": "current", "view": "board_full", "seq": seq}]


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_the_first_change_after_a_load_comes_as_a_patch(
    server: Server, client: httpx.AsyncClient
) -> None:
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    auditor = server.bearer(server.auditor)
    loaded = (await client.get(server.api("/views/board_full"), headers=auditor)).json()
    async with websockets.connect(server.ws(), compression=None) as ws:
        subscribe = {"type": "subscribe", "view": "board_full", "token": server.auditor}
        held = {"patches": True, "since": loaded["seq"], "basis": loaded["basis"]}
        await ws.send(json.dumps({**subscribe, **held}))
        assert json.loads(await ws.recv())["type"] == "current"
        seq = await score(client, server, "B1", "g1c1")
        change = await next_change(ws)

    assert (change["type"], change["base"], change["seq"]) == ("patch", loaded["seq"], seq)
    now = (await client.get(server.api("/views/board_full"), headers=auditor)).json()
    assert apply_patch(loaded["data"], change["ops"]) == now["data"]


async def next_change(ws: websockets.ClientConnection) -> dict[str, Any]:
    """The next view or patch (heartbeats skipped)."""
    while True:
        message: dict[str, Any] = json.loads(await ws.recv())
        if message["type"] in ("view", "patch"):
            return message


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_view_gzipped_is_the_same_bytes_until_it_changes_and_a_reload_costs_a_304(
    server: Server, client: httpx.AsyncClient
) -> None:
    first, body = await raw_get(server, "/views/board", GZIP)
    _, again = await raw_get(server, "/views/board", GZIP)
    assert body == again
    assert json.loads(gzip.decompress(body))["view"] == "board"
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    assert "accept-encoding" in first.headers["vary"].lower()

    unchanged = await client.get(server.api("/views/board"), headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    changed = await client.get(server.api("/views/board"), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


@pytest.mark.contest(judges_per_panel=5, contestants_per_group=4)
async def test_a_view_refused_says_why(server: Server, client: httpx.AsyncClient) -> None:
    no_token = await client.get(server.api("/views/audit"))
    judge = await client.get(
        server.api("/views/board_full"), headers=server.bearer(server.judges["B1"])
    )
    unknown = await client.get(server.api("/views/presence"))

    assert (no_token.status_code, no_token.json()["error"]["code"]) == (401, "token_required")
    assert (judge.status_code, judge.json()["error"]["code"]) == (403, "forbidden")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_view")
    async with websockets.connect(server.ws(), compression=None):
        pass  # the server still serves sockets


def test_gzip_is_taken_unless_refused() -> None:
    assert takes_gzip("gzip, deflate, br")
    assert takes_gzip("br;q=1.0, gzip;q=0.8")
    assert takes_gzip("*")
    assert not takes_gzip("identity")
    assert not takes_gzip("")
    assert not takes_gzip("gzip;q=0")
    assert not takes_gzip("gzip; q=0.0, deflate")
