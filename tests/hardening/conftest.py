"""Shared pieces of the hardening tests: a show with many judges, judges'
phones that retry like the judge page's outbox, screens that reconnect, and
the views replayed from the database for comparison.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import websockets

from bench.servers import contest as one_panel
from events.envelope import Envelope
from events.store import open_store
from projections.board import board
from projections.progress import progress
from projections.state import Competition, apply
from tests.server.conftest import Server, contest, make_competition, start_server, stop_server

RETRY_SECONDS = 60.0  # how long a phone keeps retrying one submission
_encoder = msgspec.json.Encoder()


def show(*, judges: int, contestants: int, stream: str = "h") -> dict[str, Any]:
    """One group scored by one panel of ``judges``, ``contestants`` to score
    (the benchmarks' competition: one definition of it)."""
    return one_panel(judges, contestants, stream)


def marks(judge: str, contestant: str) -> dict[str, str]:
    base = sum(map(ord, judge + contestant))
    return {"content": f"{30 + base % 30}.{base % 10}", "delivery": f"{10 + base % 29}.5"}


@dataclass
class Show(Server):
    """A running server over ``store`` (a file path or a PostgreSQL URL)."""

    store: str = ""


async def serve_show(store: str, data: dict[str, Any], logs: Path, *extra: str) -> Show:
    admin, auditor, judges = await make_competition(store, data)
    process, url = start_server(store, *extra, logs=logs)
    return Show(url, Path(logs), data["id"], admin, auditor, judges, process, store)


def restart(server: Show, logs: Path, *extra: str) -> None:
    """``leitai serve`` again on the same store and port (clients keep their URL)."""
    port = server.url.rsplit(":", 1)[1]
    process, url = start_server(server.store, "--port", port, *extra, logs=logs)
    assert url == server.url
    server.process = process


def kill(process: subprocess.Popen[bytes]) -> None:
    process.kill()  # SIGKILL: no shutdown code runs
    process.wait()


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid`` (VmRSS in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


def seed() -> int:
    """The seed of this run's random choices; LEITAI_HARDENING_SEED repeats a run."""
    value = int(os.environ.get("LEITAI_HARDENING_SEED", random.randrange(2**32)))
    print(f"LEITAI_HARDENING_SEED={value}")
    return value


# --- judges' phones ------------------------------------------------------------


@dataclass
class Ack:
    judge: str
    contestant: str
    submission_id: str
    seq: int
    hash: str
    duplicate: bool


@dataclass
class Phones:
    """Judges' phones with an outbox: a submission is sent again, with the same
    submission id, after a connection error or a 503, until acknowledged."""

    server: Server
    http: httpx.AsyncClient
    acks: list[Ack] = field(default_factory=list)
    retries: int = 0
    refusals: list[str] = field(default_factory=list)

    async def send(self, path: str, token: str, body: dict[str, Any]) -> httpx.Response:
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                answer = await self.http.post(
                    self.server.api(path), json=body, headers=Server.bearer(token)
                )
                if answer.status_code != 503:
                    return answer
                self.refusals.append(answer.json()["error"]["code"])
            except httpx.TransportError:
                pass
            self.retries += 1
            assert time.monotonic() < deadline, f"{path} never acknowledged: {body}"
            await asyncio.sleep(0.05)  # back off before the next try, as the page does

    async def score(self, judge: str, contestant: str) -> Ack:
        submission = uuid.uuid4().hex
        body = {"contestant": contestant, "points": marks(judge, contestant)}
        answer = await self.send(
            "/scores", self.server.judges[judge], {**body, "submission_id": submission}
        )
        assert answer.status_code == 200, answer.text
        receipt = answer.json()
        ack = Ack(
            judge, contestant, submission, receipt["seq"], receipt["hash"], receipt["duplicate"]
        )
        self.acks.append(ack)
        return ack

    async def call(self, contestant: str) -> None:
        """Call ``contestant`` (opening scoring); a retry finding them on stage is done."""
        answer = await self.send("/stage", self.server.admin, {"contestant": contestant})
        if answer.status_code != 200:
            assert answer.json()["error"]["code"] == "already_on_stage", answer.text

    async def run(self, contestants: list[str]) -> None:
        """Every judge scores every contestant, one contestant after another."""
        for contestant in contestants:
            await self.call(contestant)
            await asyncio.gather(*(self.score(j, contestant) for j in self.server.judges))


# --- screens ---------------------------------------------------------------------


@dataclass
class Screen:
    """A screen following one view, reconnecting after a drop and resubscribing
    with the last seq it has; every message it was sent, per connection."""

    server: Server
    view: str
    token: str | None = None
    connections: list[list[dict[str, Any]]] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        seqs = [m["seq"] for c in self.connections for m in c]
        return seqs[-1] if seqs else 0

    async def follow(self, until: asyncio.Future[int]) -> None:
        """Follow the view until it shows the seq ``until`` resolves to."""
        while not (until.done() and self.last_seq >= until.result()):
            try:
                async with websockets.connect(
                    self.server.ws(), compression=None, open_timeout=5
                ) as ws:
                    received: list[dict[str, Any]] = []
                    self.connections.append(received)
                    await ws.send(
                        json.dumps(
                            {
                                "type": "subscribe",
                                "view": self.view,
                                "since": self.last_seq,
                                "token": self.token,
                            }
                        )
                    )
                    while not (until.done() and self.last_seq >= until.result()):
                        try:
                            text = await asyncio.wait_for(ws.recv(), 1.0)
                        except TimeoutError:
                            continue  # look at ``until`` again
                        message = json.loads(text)
                        assert message["type"] != "error", message
                        if message["type"] == "view":
                            received.append(message)
            except (
                OSError,
                TimeoutError,
                websockets.ConnectionClosed,
                websockets.InvalidHandshake,
            ):
                await asyncio.sleep(0.05)  # the server is down: try again shortly


# --- the truth: the log replayed ---------------------------------------------------


async def read_log(store_url: str, stream: str) -> list[Envelope]:
    store = await open_store(store_url, create=False)
    try:
        return [e async for e in store.read(stream)]
    finally:
        await store.close()


def as_json(value: Any) -> Any:
    return json.loads(_encoder.encode(value))


def replay_views(log: list[Envelope], stream: str, view: str) -> dict[int, Any]:
    """The view after every seq of ``log``, as the JSON a client receives."""
    make = {
        "progress": progress,
        "board": lambda s: board(s, public=True),
        "board_full": lambda s: board(s, public=False),
    }[view]
    state = Competition.empty(stream)
    out = {}
    for envelope in log:
        state = apply(state, envelope)
        out[envelope.seq] = as_json(make(state))
    return out


def replayed(log: list[Envelope], stream: str) -> Competition:
    state = Competition.empty(stream)
    for envelope in log:
        state = apply(state, envelope)
    return state


def check_screen(screen: Screen, views: dict[int, Any], head: int) -> None:
    """What the screen showed was, at every seq, the log's state at that seq; it
    never went back; it ends at the head."""
    messages = [m for c in screen.connections for m in c]
    assert messages, "the screen received nothing"
    previous: dict[str, Any] | None = None
    for message in messages:
        assert message["data"] == views[message["seq"]], f"seq {message['seq']} differs"
        if previous is not None:
            assert message["seq"] >= previous["seq"], (previous["seq"], message["seq"])
        previous = message
    assert messages[-1]["seq"] == head


def check_acks(acks: list[Ack], log: list[Envelope]) -> None:
    """Every acknowledged score is in the log exactly once, at its receipt's seq and
    hash; no judge's sheet for a contestant is there twice."""
    by_seq = {e.seq: e for e in log}
    sheets: dict[tuple[str, str], int] = {}
    for envelope in log:
        if envelope.type == "score_submitted":
            key = (envelope.data.judge, envelope.data.contestant)  # type: ignore[union-attr]
            sheets[key] = sheets.get(key, 0) + 1
    assert all(n == 1 for n in sheets.values()), {k: n for k, n in sheets.items() if n > 1}
    for ack in acks:
        envelope = by_seq[ack.seq]
        assert envelope.hash == ack.hash
        assert envelope.type == "score_submitted"
        assert envelope.data.submission_id == ack.submission_id  # type: ignore[union-attr]
        assert (envelope.data.judge, envelope.data.contestant) == (ack.judge, ack.contestant)  # type: ignore[union-attr]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        yield client


@pytest.fixture
async def venue(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Server]:
    """``leitai serve`` over the contest of tests/server (shaped by the marker
    ``contest``); the marker ``settings(NAME=value, …)`` sets ``LEITAI_NAME``
    for the server."""
    marker = request.node.get_closest_marker("settings")
    env = {f"LEITAI_{k.upper()}": str(v) for k, v in (marker.kwargs if marker else {}).items()}
    shape = request.node.get_closest_marker("contest")
    data = contest(**(shape.kwargs if shape else {"contestants_per_group": 3}))
    db = tmp_path / "leitai.db"
    admin, auditor, judges = await make_competition(db, data)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        process, url = start_server(db)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v
    try:
        yield Server(url, db, data["id"], admin, auditor, judges, process)
    finally:
        stop_server(process)


def output_of(server: Server) -> str:
    """Everything the server printed so far (its log)."""
    return "".join(p.read_text() for p in sorted(server.db.parent.glob("server.*.out")))
