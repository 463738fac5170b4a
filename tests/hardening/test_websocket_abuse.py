"""Hostile and broken WebSocket clients: each is dealt with alone, with a
close code and reason it can read, while the others keep receiving."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from server.settings import Settings
from tests.hardening.conftest import rss_kib
from tests.server.conftest import Server
from tests.server.test_live import points, post, until
from tests.server.test_slow_reader import collect, tiny_buffer_socket

KEEPALIVE = httpx.Limits(keepalive_expiry=2.0)
"""Idle connections dropped by the client before uvicorn's own 5 s: at equal
timeouts, under this load, the server closed a pooled connection just as the
client reused it for a score (httpx.ReadError, seen once in six full runs)."""


def subscribe(view: str, token: str | None = None) -> str:
    return json.dumps({"type": "subscribe", "view": view, "token": token})


async def closed_with(ws: ClientConnection) -> tuple[int, str]:
    """The close code and reason the server gave, reading until it came."""
    with pytest.raises(websockets.ConnectionClosed):
        async with asyncio.timeout(10):
            while True:
                await ws.recv()
    assert ws.protocol.close_rcvd is not None, "the server dropped the socket without a close frame"
    return ws.protocol.close_rcvd.code, ws.protocol.close_rcvd.reason


async def still_served(venue: Server, watcher: ClientConnection, contestant: str) -> None:
    """An update reaches ``watcher`` and a new socket gets its snapshot."""
    async with httpx.AsyncClient(timeout=30, limits=KEEPALIVE) as http:
        receipt = await post(http, venue, "/stage", venue.admin, contestant=contestant)
    await asyncio.wait_for(until(watcher, "progress", receipt["seq"]), 10)
    async with websockets.connect(venue.ws()) as fresh:
        await fresh.send(subscribe("board"))
        await asyncio.wait_for(until(fresh, "board", receipt["seq"]), 10)


async def test_bad_messages_close_only_their_socket(venue: Server) -> None:
    limit = Settings().ws_max_message_bytes
    watcher = await websockets.connect(venue.ws())
    await watcher.send(subscribe("progress"))
    await until(watcher, "progress", 0)
    cases: list[tuple[str | bytes | list[str], int, str]] = [
        (b"\x00\x01binary", 1003, "binary"),
        (json.dumps({"type": "subscribe", "view": "x" * limit}), 1009, f"at most {limit} bytes"),
        ("字" * (limit // 2), 1009, f"at most {limit} bytes"),  # 3 bytes a character
        ("x" * 2**20, 1009, ""),  # past the frame limit: refused unread, by the protocol layer
        ([subscribe("board")] * 200, 1008, "too many messages"),
    ]
    for message, code, reason in cases:
        async with websockets.connect(venue.ws(), max_size=None) as ws:
            if isinstance(message, list):
                for text in message:  # a flood of subscribes: each would send a snapshot
                    await ws.send(text)
            else:
                # The server may close before a large message is sent whole:
                # the close frame is what is checked.
                with contextlib.suppress(websockets.ConnectionClosed):
                    await ws.send(message)
            got = await closed_with(ws)
            assert got[0] == code and reason in got[1], got
    await still_served(venue, watcher, "g1c1")
    await watcher.close()


async def test_malformed_messages_get_an_error_and_the_socket_stays(venue: Server) -> None:
    async with websockets.connect(venue.ws()) as ws:
        for text, code in (
            ("{", "invalid_message"),
            ("[]", "invalid_message"),
            ('{"type": "subscribe"}', "invalid_message"),
            ('{"type": "subscribe", "view": "board", "since": "x"}', "invalid_message"),
            ('{"type": "unsubscribe", "view": "board"}', "invalid_message"),
            ('{"type": "subscribe", "view": "nothing"}', "unknown_view"),
            ('{"type": "subscribe", "view": "audit"}', "token_required"),
            ('{"type": "subscribe", "view": "audit", "token": "nope"}', "invalid_token"),
        ):
            await ws.send(text)
            message = json.loads(await ws.recv())
            assert message["type"] == "error" and message["error"]["code"] == code, (text, message)
        await ws.send(subscribe("progress"))
        await until(ws, "progress", 0)


async def test_a_frame_larger_than_any_message_is_cut_off(venue: Server) -> None:
    """A 32 MB frame is refused by the WebSocket layer before it is buffered whole."""
    async with websockets.connect(venue.ws(), max_size=None) as ws:
        with pytest.raises(websockets.ConnectionClosed):
            await ws.send("x" * 32 * 2**20)
            await ws.recv()
        assert ws.protocol.close_rcvd is not None and ws.protocol.close_rcvd.code == 1009


@pytest.mark.contest(judges_per_panel=3, contestants_per_group=3)
async def test_1000_sockets_opened_and_dropped_at_once(venue: Server) -> None:
    pid = venue.process.pid
    watcher = await websockets.connect(venue.ws())
    await watcher.send(subscribe("progress"))
    await until(watcher, "progress", 0)
    before = rss_kib(pid)
    settled = []
    for round_ in range(3):
        started = time.monotonic()
        sockets = await asyncio.gather(
            *(websockets.connect(venue.ws(), open_timeout=30) for _ in range(1000))
        )
        await asyncio.gather(*(ws.send(subscribe("board")) for ws in sockets))
        await asyncio.gather(*(until(ws, "board", 0) for ws in sockets))
        opened = time.monotonic() - started
        peak = rss_kib(pid)
        for ws in sockets:
            ws.transport.abort()  # gone without a close frame, as a phone leaving the hall
        print(f"round {round_}: 1000 sockets open and subscribed in {opened:.2f} s")
        await still_served(venue, watcher, f"g1c{round_ + 1}")
        settled.append(rss_kib(pid))
        print(f"server RSS: {before} KiB before, {peak} with 1000 sockets, {settled[-1]} after")
    # the first thousand leave the allocator's arenas grown; later ones reuse them
    assert settled[-1] - before < 64 * 1024, (before, settled)
    assert settled[-1] - settled[0] < 8 * 1024, settled
    await watcher.close()


@pytest.mark.contest(judges_per_panel=10, contestants_per_group=60)
async def test_a_reader_that_never_reads_costs_bounded_memory(venue: Server) -> None:
    """A stalled socket on the biggest view while 10 others keep reading every
    update: the server's memory grows by a bounded amount, not by the ~10 MB
    of views the stalled socket did not take."""
    pid = venue.process.pid
    readers = [await websockets.connect(venue.ws(), compression=None) for _ in range(10)]
    stalled = await websockets.connect(
        venue.ws(), compression=None, max_queue=1, sock=tiny_buffer_socket(venue.url)
    )
    before = rss_kib(pid)
    async with httpx.AsyncClient(timeout=30, limits=KEEPALIVE) as http:
        first = (await http.get(venue.api("/progress"))).json()["seq"]
        last = first + 30 * 12
        for ws in readers:
            await ws.send(subscribe("progress"))
        await stalled.send(subscribe("board_full", venue.auditor))
        reading = [asyncio.create_task(collect(ws, last)) for ws in readers]
        peak = before
        peak = await run_show(http, venue, 30, pid, peak)
        received = await asyncio.wait_for(asyncio.gather(*reading), 60)
    for seqs, _ in received:
        assert seqs[-1] == last and seqs == sorted(set(seqs))
    caught_up, size = await asyncio.wait_for(collect(stalled, last), 60)
    print(
        f"server RSS: {before} KiB before, peak {peak} KiB; the stalled socket was "
        f"offered {size // max(1, len(caught_up))} bytes a view"
    )
    assert peak - before < 48 * 1024, (before, peak)
    for ws in [*readers, stalled]:
        await ws.close()


@pytest.mark.contest(judges_per_panel=10, contestants_per_group=10)
async def test_2000_readers_keep_up_while_one_never_reads(venue: Server) -> None:
    """2,000 sockets follow the progress view while one stalled socket holds the
    full board: each of the 2,000 gets updates in order and the last one
    within seconds of its commit, and the server's memory stays bounded. (One
    test process reading 2,000 sockets is itself a slow reader: the hub may
    give a socket that fell behind the latest view instead of each one.)"""
    pid = venue.process.pid
    readers = await asyncio.gather(
        *(websockets.connect(venue.ws(), compression=None, open_timeout=30) for _ in range(2000))
    )
    stalled = await websockets.connect(
        venue.ws(), compression=None, max_queue=1, sock=tiny_buffer_socket(venue.url)
    )
    await stalled.send(subscribe("board_full", venue.auditor))
    async with httpx.AsyncClient(timeout=30, limits=KEEPALIVE) as http:
        first = (await http.get(venue.api("/progress"))).json()["seq"]
        last = first + 10 * 12  # ten contestants: a call (two events) and ten scores each
        await asyncio.gather(*(ws.send(subscribe("progress")) for ws in readers))
        reading = [asyncio.create_task(collect(ws, last)) for ws in readers]
        before = rss_kib(pid)
        peak = before
        peak = await run_show(http, venue, 10, pid, peak)
        committed = time.monotonic()
        received = await asyncio.wait_for(asyncio.gather(*reading), 120)
        lag = time.monotonic() - committed
    for seqs, _ in received:
        assert seqs[-1] == last and seqs == sorted(set(seqs))
    counts = sorted(len(seqs) for seqs, _ in received)
    print(
        f"2000 readers: the last update reached all {lag:.2f} s after its commit; views "
        f"received per socket {counts[0]}-{counts[-1]} of {1 + 10 * 11}; server RSS "
        f"{before} KiB before the show, peak {peak} KiB"
    )
    assert lag < 15
    assert peak - before < 64 * 1024, (before, peak)
    for ws in [*readers, stalled]:
        ws.transport.abort()


async def run_show(
    http: httpx.AsyncClient, venue: Server, contestants: int, pid: int, peak: int
) -> int:
    """Call contestants g1c1… in turn, ten judges scoring each at once; the
    server's peak RSS (KiB) seen along the way."""
    for contestant in [f"g1c{i}" for i in range(1, contestants + 1)]:
        await post(http, venue, "/stage", venue.admin, contestant=contestant)
        await asyncio.gather(
            *(
                post(
                    http,
                    venue,
                    "/scores",
                    venue.judges[f"B{j}"],
                    contestant=contestant,
                    points=points(f"B{j}", contestant),
                    submission_id=uuid.uuid4().hex,
                )
                for j in range(1, 11)
            )
        )
        peak = max(peak, rss_kib(pid))
    return peak
