"""The servers the HTTP and WebSocket benchmarks measure, each in its own process.

``leitai serve`` over a competition made for the benchmark (``competition``),
and the ceilings: a bare starlette app on the same uvicorn settings
(``python -m bench.servers http``), and ``websockets``' own server with
``broadcast()`` (``python -m bench.servers broadcast``). Each prints its URL
on one line once it listens; ``Process`` starts one, waits for that line and
stops it with SIGINT.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

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

    def __enter__(self) -> Process:
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


# --- the ceilings, run in the child process -----------------------------------


def _serve_http() -> None:
    """Bare starlette on ``server.runner``'s uvicorn settings: decode the body, answer 200."""
    import msgspec
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from projections.commands import SubmitScore
    from server import runner
    from server.settings import Settings

    decoder = msgspec.json.Decoder(SubmitScore)

    async def scores(request: Request) -> Response:
        command = decoder.decode(await request.body())
        return Response(b'{"ok":true,"n":%d}' % len(command.points), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    app = Starlette(
        routes=[
            Route("/api/competitions/{cid}/scores", scores, methods=["POST"]),
            Route("/healthz", health),
        ]
    )
    settings = Settings(port=0)
    sock = runner.bind(settings)
    print(f"ceiling at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = runner.uvicorn_config(settings, app)
    import uvicorn

    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


def _serve_broadcast(size: int) -> None:
    """``websockets``' own server: ``GET /healthz``, and ``broadcast()`` of a message
    of ``size`` bytes to every socket when any socket sends ``go <n>``."""
    import http
    import socket as socket_module

    import websockets
    from websockets.asyncio.server import ServerConnection, broadcast, serve
    from websockets.http11 import Request, Response

    clients: set[ServerConnection] = set()

    def health(connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            return connection.respond(http.HTTPStatus.OK, "{}")
        return None

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
        sock = socket_module.socket()
        sock.setsockopt(socket_module.SOL_SOCKET, socket_module.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)
        async with serve(
            handler,
            sock=sock,
            compression=None,
            process_request=health,
            ping_interval=20,
            max_queue=16,
        ) as server:
            print(f"ceiling at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
            await server.serve_forever()

    try:
        import uvloop

        uvloop.run(main())
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["http", "broadcast"])
    parser.add_argument("--size", type=int, default=2048)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.kind == "http":
        _serve_http()
    else:
        _serve_broadcast(args.size)


if __name__ == "__main__":
    main()
