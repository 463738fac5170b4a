"""A real ``leitai serve`` on a free port, over a competition made for the test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from events.credentials import open_credentials
from events.store import open_store
from server.definition import definition_from_data
from server.setup import create_competition

ROOT = Path(__file__).resolve().parents[2]


def contest(
    *,
    stream: str = "t",
    judges_per_panel: int = 3,
    contestants_per_group: int = 2,
    trim: int = 1,
) -> dict[str, Any]:
    """A small cross-scored competition: panel A scores group g2, B scores g1."""
    groups = ["g1", "g2"]
    panel_of = {"g1": "B", "g2": "A"}
    return {
        "id": stream,
        "title": {"zh-CN": "测试赛", "en": "Test contest"},
        "groups": [{"id": g, "name": {"zh-CN": f"{g}组", "en": g}} for g in groups],
        "rounds": [{"id": "r1", "name": {"zh-CN": "初赛", "en": "Heats"}}],
        "panels": [{"id": p, "groups": [g for g in groups if panel_of[g] == p]} for p in "AB"],
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
        "rules": {"aggregation": "trimmed_mean", "trim": trim, "quorum": 2 * trim + 1},
        "contestants": [
            {"id": f"{g}c{i}", "name": f"选手 {g}-{i}", "organisation": f"单位 {g}-{i}", "group": g}
            for g in groups
            for i in range(1, contestants_per_group + 1)
        ],
        "judges": [
            {
                "id": f"{p}{i}",
                "name": f"评委 {p}{i}",
                "organisation": f"评委单位 {p}{i}",
                "panel": p,
            }
            for p in "AB"
            for i in range(1, judges_per_panel + 1)
        ],
    }


@dataclass
class Server:
    """A running server and the competition's tokens."""

    url: str
    db: Path
    stream: str
    admin: str
    auditor: str
    judges: dict[str, str]
    process: subprocess.Popen[bytes]

    def api(self, path: str = "") -> str:
        return f"{self.url}/api/competitions/{self.stream}{path}"

    def ws(self) -> str:
        return self.url.replace("http://", "ws://") + f"/ws/competitions/{self.stream}"

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


async def make_competition(db: Path | str, data: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    definition = definition_from_data(data, name="test contest")
    store = await open_store(str(db))
    credentials = await open_credentials(str(db))
    try:
        created = await create_competition(store, credentials, definition)
    finally:
        await credentials.close()
        await store.close()
    return created.admin_token, created.auditor_token, created.judge_tokens


def launch(output: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -m server.cli ARGS`` with its output in a file (a pipe nobody
    reads could fill up and stall it)."""
    with output.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "server.cli", *args],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


def wait_for_line(process: subprocess.Popen[bytes], output: Path, pattern: str) -> re.Match[str]:
    """The first match of ``pattern`` in the process's output, once printed."""
    for _ in range(1000):  # bounded: our commands print their URLs within seconds
        match = re.search(pattern, output.read_text())
        if match is not None:
            return match
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.kill()
    process.wait()
    raise AssertionError(f"never printed {pattern!r}: {output.read_text()}")


def start_server(
    db: Path | str, *extra: str, logs: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``leitai serve`` on port 0 over a database file or store URL; returns once
    it answers, with its URL. Its output goes to a new file in ``logs`` (by
    default beside the database file)."""
    folder = logs or Path(db).parent
    output = folder / f"server.{len(list(folder.glob('server.*.out')))}.out"
    process = launch(output, "serve", "--store", str(db), "--port", "0", *extra)
    url = wait_for_line(process, output, r"http://127\.0\.0\.1:\d+").group(0)
    for _ in range(500):  # bounded: it answers as soon as its lifespan has run
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.02)
    process.kill()
    process.wait()
    raise AssertionError(f"the server never answered: {output.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
async def server(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Server]:
    marker = request.node.get_closest_marker("contest")
    data = contest(**(marker.kwargs if marker else {}))
    db = tmp_path / "leitai.db"
    with serving(db, data, await make_competition(db, data)) as server:
        yield server


@contextlib.contextmanager
def serving(
    db: Path, data: dict[str, Any], tokens: tuple[str, str, dict[str, str]]
) -> Iterator[Server]:
    """``leitai serve`` over ``db``, which holds the competition ``data`` made
    with ``tokens`` (admin, auditor, judges), while inside."""
    admin, auditor, judges = tokens
    process, url = start_server(db)
    try:
        yield Server(url, db, data["id"], admin, auditor, judges, process)
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The test competition served once for a module whose tests only read what the
    server serves (its pages and files): one server start, not one a test."""
    data = contest()
    db = tmp_path_factory.mktemp("read-only") / "leitai.db"
    with serving(db, data, asyncio.run(make_competition(db, data))) as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http
