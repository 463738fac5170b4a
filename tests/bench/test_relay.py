"""The latency ceiling (``bench.servers.Relay``) does what the latency
benchmark's watchers read: a view, then patches that each build on the last."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from bench.servers import Relay, score_body

PACE = 0.5
"""Seconds between publications: far longer than three POSTs take."""


def test_posts_within_one_pace_go_out_as_one_patch_on_the_last(tmp_path: Path) -> None:
    with (
        Relay(tmp_path / "relay.out", PACE) as relay,
        connect(f"ws://127.0.0.1:{relay.sockets_port}/ws/competitions/bench") as socket,
    ):
        socket.send('{"type":"subscribe","view":"progress","since":0,"patches":true}')
        view = json.loads(socket.recv(timeout=10))
        assert (view["type"], view["seq"]) == ("view", 0)
        with httpx.Client(base_url=relay.url) as client:
            answered = [
                client.post(
                    "/api/competitions/bench/scores", content=score_body("c1", n, "relaytest")
                )
                for n in range(3)
            ]
        assert [a.json()["seq"] for a in answered] == [1, 2, 3]
        patches, held = [], 0
        while held < 3:
            patch = json.loads(socket.recv(timeout=10))
            assert (patch["type"], patch["base"]) == ("patch", held)
            held = patch["seq"]
            patches.append((time.monotonic(), patch))
        assert patches[-1][1]["ops"] == [{"op": "replace", "path": "/seq", "value": 3}]
        assert len(patches) < len(answered)  # the later POSTs waited for the pace
        if len(patches) == 2:
            assert patches[1][0] - patches[0][0] >= PACE * 0.8


def test_a_socket_that_joins_later_starts_from_the_view_as_published(tmp_path: Path) -> None:
    with Relay(tmp_path / "relay.out", 0.0) as relay:
        with httpx.Client(base_url=relay.url) as client:
            client.post("/api/competitions/bench/scores", content=score_body("c1", 0, "relaytest"))
        with connect(f"ws://127.0.0.1:{relay.sockets_port}/ws/competitions/bench") as socket:
            socket.send("{}")
            view = json.loads(socket.recv(timeout=10))
    assert (view["type"], view["seq"], view["data"]) == ("view", 1, {"seq": 1})
