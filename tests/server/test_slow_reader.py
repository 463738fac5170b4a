"""A socket that stops reading must not hold back the others, nor grow a queue."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
import websockets

from tests.server.conftest import Server
from tests.server.test_live import points, post


async def collect(ws: websockets.ClientConnection, last: int) -> tuple[list[int], int]:
    """The seqs of the views this socket receives until ``last``, and their bytes."""
    seqs: list[int] = []
    size = 0
    while not seqs or seqs[-1] < last:
        text = await ws.recv()
        message = json.loads(text)
        if message["type"] == "view":
            seqs.append(message["seq"])
            size += len(text)
    return seqs, size


def tiny_buffer_socket(url: str) -> socket.socket:
    """A client socket that can hold almost nothing unread."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname, parts.port))
    sock.setblocking(False)
    return sock


@pytest.mark.contest(judges_per_panel=10, contestants_per_group=60)
async def test_a_reader_that_stops_does_not_stall_the_others(
    server: Server, client: httpx.AsyncClient
) -> None:
    def subscribe(view: str) -> str:
        return json.dumps({"type": "subscribe", "view": view, "token": server.auditor})

    readers = [await websockets.connect(server.ws(), compression=None) for _ in range(10)]
    stalled = await websockets.connect(
        server.ws(), compression=None, max_queue=1, sock=tiny_buffer_socket(server.url)
    )
    first = (await client.get(server.api("/progress"))).json()["seq"]
    appends = 30 * 11  # 30 contestants: a call (opening scoring too) and 10 scores each
    last = first + 30 * 12  # the call appends two events
    for ws in readers:
        await ws.send(subscribe("progress"))
    await stalled.send(subscribe("board_full"))  # big views: ~10 MB over the show
    # each reader's first view before the show goes on: a subscription the server had
    # not read yet when the first call came would start at the call (seen once, 150
    # where the show began at 148, on a loaded machine)
    starts = [await asyncio.wait_for(collect(ws, first), 10) for ws in readers]
    assert all(seqs == [first] for seqs, _ in starts)
    reading = [asyncio.create_task(collect(ws, last)) for ws in readers]
    for contestant in [f"g1c{i}" for i in range(1, 31)]:
        await post(client, server, "/stage", server.admin, contestant=contestant)
        await asyncio.gather(
            *(
                post(
                    client,
                    server,
                    "/scores",
                    server.judges[f"B{j}"],
                    contestant=contestant,
                    points=points(f"B{j}", contestant),
                    submission_id=uuid.uuid4().hex,
                )
                for j in range(1, 11)
            )
        )
    # Every reader that kept reading followed the show to its end, in order
    # (appends committed together come as one view), while the stalled socket
    # read nothing.
    received = await asyncio.wait_for(asyncio.gather(*reading), 60)
    for seqs, _ in received:
        assert seqs[0] > first and seqs[-1] == last
        assert seqs == sorted(set(seqs))
    # Reading at last, the stalled socket gets the latest state, not the backlog:
    # the server kept at most one pending view for it, not every update.
    caught_up, size = await asyncio.wait_for(collect(stalled, last), 60)
    board_bytes = size // len(caught_up)
    assert board_bytes * appends > 8 * 2**20, "too little data to fill the socket buffers"
    assert caught_up[-1] == last
    assert len(caught_up) < appends * 3 // 4, (len(caught_up), appends)
    for ws in [*readers, stalled]:
        await ws.close()
