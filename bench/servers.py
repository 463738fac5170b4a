"""The servers the HTTP and WebSocket benchmarks measure, each in its own process.

``leitai serve`` over a competition made for the benchmark (``competition``),
and the ceilings: a bare starlette app on the same uvicorn settings
(``python -m bench.servers http``), ``websockets``' own server with
``broadcast()`` (``python -m bench.servers broadcast``), and the two of them
on one loop, the first's POSTs moving on what the second broadcasts
(``python -m bench.servers relay``). Each prints its URL on one line once it
listens; ``Process`` starts one, waits for that line and stops it with SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
STREAM = "bench"


@dataclass(frozen=True)
class Tokens:
    admin: str
    judges: dict[str, str]


def contest(judges: int, contestants: int, stream: str = STREAM) -> dict[str, Any]:
    """One group scored by one panel of ``judges``, each from another organisation."""
    return {
        "id": stream,
        "title": {"zh-CN": "基准赛", "en": "Benchmark contest"},
        "groups": [{"id": "g", "name": {"zh-CN": "组", "en": "Group"}}],
        "rounds": [{"id": "r1", "name": {"zh-CN": "初赛", "en": "Heats"}}],
        "panels": [{"id": "A", "groups": ["g"]}],
        "scoresheet": {
            "places": 1,
            "criteria": [
                {
                    "key": "content",
                    "label": {"zh-CN": "内容", "en": "Content"},
                    "maximum": Decimal(60),
                    "weight": Decimal(1),
                },
                {
                    "key": "delivery",
                    "label": {"zh-CN": "表达", "en": "Delivery"},
                    "maximum": Decimal(40),
                    "weight": Decimal(1),
                },
            ],
        },
        "rules": {"aggregation": "trimmed_mean", "trim": 1, "quorum": 3},
        "contestants": [
            {"id": f"c{i}", "name": f"选手 {i}", "organisation": f"单位 {i}", "group": "g"}
            for i in range(1, contestants + 1)
        ],
        "judges": [
            {"id": f"J{i}", "name": f"评委 {i}", "organisation": f"评委单位 {i}", "panel": "A"}
            for i in range(1, judges + 1)
        ],
    }


async def competition(
    db: Path | str, *, judges: int, contestants: int, stream: str = STREAM
) -> Tokens:
    """A new competition in the store ``db`` (a SQLite file or a store URL), and its tokens."""
    from events.credentials import open_credentials
    from events.store import open_store
    from server.definition import definition_from_data
    from server.setup import create_competition

    definition = definition_from_data(contest(judges, contestants, stream), name="benchmark")
    store = await open_store(str(db))
    credentials = await open_credentials(str(db))
    try:
        created = await create_competition(store, credentials, definition)
    finally:
        await credentials.close()
        await store.close()
    return Tokens(created.admin_token, created.judge_tokens)


def score_body(contestant: str, n: int, tag: str) -> bytes:
    """A judge's sheet as the judge page sends it; ``n`` and ``tag`` make its id new."""
    return (
        b'{"contestant":"%s","points":{"content":"%d.%d","delivery":"%d.5"},'
        b'"submission_id":"%s-%d"}'
        % (contestant.encode(), 40 + n % 20, n % 10, 20 + n % 19, tag.encode(), n)
    )


class Process:
    """A server in a child process; ``url`` once it listens."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            )
        self.url = self._wait_for(r"http://127\.0\.0\.1:\d+")
        self._wait_healthy()

    def _wait_for(self, pattern: str) -> str:
        for _ in range(1500):  # bounded: our servers print their URL within seconds
            match = re.search(pattern, self.log.read_text())
            if match is not None:
                return match.group(0)
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"{self.log}: the server never started: {self.log.read_text()}")

    def _wait_healthy(self) -> None:
        import httpx

        deadline = time.monotonic() + 60  # bounded: a server that failed to start
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.log}: the server never answered: {self.log.read_text()}")

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def rss(self) -> int:
        """Resident memory of the server process, in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def leitai(
    db: Path | str, log: Path, *, ws: str | None = None, env: dict[str, str] | None = None
) -> Process:
    """``leitai serve`` of the store ``db`` on a free port (its own uvicorn settings;
    ``ws`` overrides the WebSocket implementation through ``LEITAI_WS``; ``env``
    adds other ``LEITAI_*`` settings)."""
    settings = {**({"LEITAI_WS": ws} if ws else {}), **(env or {})}
    return Process(["-m", "server.cli", "serve", "--db", str(db), "--port", "0"], log, settings)


def ceiling_http(log: Path) -> Process:
    return Process(["-m", "bench.servers", "http"], log)


def ceiling_broadcast(log: Path, size: int) -> Process:
    return Process(["-m", "bench.servers", "broadcast", "--size", str(size)], log)


class Relay(Process):
    """The latency ceiling (``_serve_relay``), publishing at most once an
    ``interval`` (default: Leitai's pace): ``url`` takes the POSTs,
    ``sockets_port`` the WebSocket clients."""

    def __init__(self, log: Path, interval: float | None = None) -> None:
        pace = [] if interval is None else ["--interval", str(interval)]
        super().__init__(["-m", "bench.servers", "relay", *pace], log)
        self.sockets_port = int(self._wait_for(r"ws://127\.0\.0\.1:\d+").rsplit(":", 1)[1])


# --- the ceilings, run in the child process -----------------------------------


def _scores_app(answer: Callable[[Any], bytes]) -> Any:
    """Bare starlette: ``GET /healthz``, and the judges' POST decoded as Leitai
    decodes it, answered with ``answer(command)``."""
    import msgspec
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from projections.commands import SubmitScore

    decoder = msgspec.json.Decoder(SubmitScore)

    async def scores(request: Request) -> Response:
        command = decoder.decode(await request.body())
        return Response(answer(command), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    return Starlette(
        routes=[
            Route("/api/competitions/{cid}/scores", scores, methods=["POST"]),
            Route("/healthz", health),
        ]
    )


def _sockets_server(handler: Any) -> tuple[Any, Any]:
    """``websockets``' own server on a free port, answering ``GET /healthz``
    (compression off, as in Leitai): its ``serve`` context and its socket."""
    import http
    import socket as socket_module

    from websockets.asyncio.server import ServerConnection, serve
    from websockets.http11 import Request, Response

    def health(connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            return connection.respond(http.HTTPStatus.OK, "{}")
        return None

    sock = socket_module.socket()
    sock.setsockopt(socket_module.SOL_SOCKET, socket_module.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    server = serve(
        handler, sock=sock, compression=None, process_request=health, ping_interval=20, max_queue=16
    )
    return server, sock


def _serve_http() -> None:
    """Bare starlette on ``server.runner``'s uvicorn settings: decode the body, answer 200."""
    import uvicorn

    from server import runner
    from server.settings import Settings

    app = _scores_app(lambda command: b'{"ok":true,"n":%d}' % len(command.points))
    settings = Settings(port=0)
    sock = runner.bind(settings)
    print(f"ceiling at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(runner.uvicorn_config(settings, app)).run(sockets=[sock])


def _serve_broadcast(size: int) -> None:
    """``websockets``' own server: ``GET /healthz``, and ``broadcast()`` of a message
    of ``size`` bytes to every socket when any socket sends ``go <n>``."""
    import uvloop
    import websockets
    from websockets.asyncio.server import ServerConnection, broadcast

    clients: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        clients.add(connection)
        try:
            async for message in connection:
                parts = str(message).split()
                if parts[:1] == ["go"]:
                    head = '{"type":"view","view":"board","seq":' + parts[1] + ',"data":"'
                    broadcast(clients, head + "x" * max(0, size - len(head) - 2) + '"}')
        except websockets.ConnectionClosed:
            pass
        finally:
            clients.discard(connection)

    async def main() -> None:
        serving, sock = _sockets_server(handler)
        async with serving as server:
            print(f"ceiling at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(main())


class _Paced:
    """The progress view's seq as the relay's POSTs move it on, broadcast as a
    patch to every socket at most once an ``interval``: at once after a quiet
    spell, else one interval after the last."""

    def __init__(self, broadcast: Callable[[str], None], interval: float) -> None:
        self.broadcast = broadcast
        self.interval = interval
        self.seq = 0
        self.published = 0
        self._quiet_until = 0.0
        self._due: asyncio.Handle | None = None

    def view(self) -> str:
        """What a new subscriber is sent: the view as last published."""
        seq = self.published
        return f'{{"type":"view","view":"progress","seq":{seq},"data":{{"seq":{seq}}}}}'

    def moved(self) -> int:
        """One more score: its seq, published at the next turn."""
        self.seq += 1
        if self._due is None:
            loop = asyncio.get_running_loop()
            wait = self._quiet_until - loop.time()
            self._due = (
                loop.call_later(wait, self._publish) if wait > 0 else loop.call_soon(self._publish)
            )
        return self.seq

    def _publish(self) -> None:
        self._due = None
        self._quiet_until = asyncio.get_running_loop().time() + self.interval
        seq, base = self.seq, self.published
        self.broadcast(
            f'{{"type":"patch","view":"progress","seq":{seq},"base":{base},"ops":'
            f'[{{"op":"replace","path":"/seq","value":{seq}}}]}}'
        )
        self.published = self.seq


def _serve_relay(interval: float | None) -> None:
    """The latency ceiling: ``_serve_http``'s app, each of whose POSTs moves a
    seq on, and ``websockets``' own server on the same loop, which broadcasts
    a patch of the progress view at that seq (``_Paced``; ``interval``
    defaults to Leitai's ``PUBLISH_INTERVAL``). What a score costs Leitai
    beyond this is the rest of its path: authentication, the decision, the
    durable append, the views and their patches."""
    import uvicorn
    import uvloop
    import websockets
    from websockets.asyncio.server import ServerConnection, broadcast

    from server import runner
    from server.live import PUBLISH_INTERVAL
    from server.settings import Settings

    clients: set[ServerConnection] = set()
    paced = _Paced(
        lambda text: broadcast(clients, text), PUBLISH_INTERVAL if interval is None else interval
    )
    app = _scores_app(lambda command: b'{"seq":%d,"n":%d}' % (paced.moved(), len(command.points)))

    async def watcher(connection: ServerConnection) -> None:
        try:
            await connection.recv()  # its subscription
            while True:  # the view as last published, then every patch after it
                held = paced.published
                await connection.send(paced.view())
                if held == paced.published:
                    break
            clients.add(connection)
            await connection.wait_closed()
        except websockets.ConnectionClosed:
            pass
        finally:
            clients.discard(connection)

    async def main() -> None:
        serving, sockets = _sockets_server(watcher)
        settings = Settings(port=0)
        posts = runner.bind(settings)
        async with serving:
            print(f"ceiling at http://127.0.0.1:{posts.getsockname()[1]}", flush=True)
            print(f"sockets at ws://127.0.0.1:{sockets.getsockname()[1]}", flush=True)
            await uvicorn.Server(runner.uvicorn_config(settings, app)).serve(sockets=[posts])

    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(main())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["http", "broadcast", "relay"])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--interval", type=float, help="relay: seconds between publications")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.kind == "http":
        _serve_http()
    elif args.kind == "relay":
        _serve_relay(args.interval)
    else:
        _serve_broadcast(args.size)


if __name__ == "__main__":
    main()
