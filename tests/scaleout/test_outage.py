"""The database out of reach mid-show (PostgreSQL refusing connections, as in
a failover or a full connection table): each command is answered at once
with 503 ``store_unavailable`` (a judge's page sends it again), not held
until the database is back nor answered 500 ``internal_error`` on a
dropped connection; once it is back, the same sheets sent again are
counted once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from server.live import STORE_WAIT_SECONDS
from tests.conftest import PG_URL, require_postgres
from tests.server.conftest import Server, contest, make_competition, start_server, stop_server
from tests.server.test_live import points

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, asyncpg.Connection]]:
    """A database of its own (its connections are refused for a while), and a
    connection to another one that can refuse and allow them."""
    await require_postgres()
    name = f"leitai_outage_{uuid.uuid4().hex[:12]}"
    control = await asyncpg.connect(PG_URL)
    await control.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{PG_URL.rsplit('/', 1)[0]}/{name}", control
    finally:
        await control.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        await control.execute(f"DROP DATABASE {name} WITH (FORCE)")
        await control.close()


async def test_a_database_out_of_reach_is_answered_at_once_and_nothing_is_lost(
    database: tuple[str, asyncpg.Connection], tmp_path: Path
) -> None:
    url, control = database
    name = url.rsplit("/", 1)[1]
    data = contest(judges_per_panel=4)
    admin, auditor, judges = await make_competition(url, data)
    process, base = start_server(url, logs=tmp_path)
    server = Server(base, tmp_path, data["id"], admin, auditor, judges, process)
    sheets = {judge: uuid.uuid4().hex for judge in ("B1", "B2", "B3", "B4")}

    async def score(http: httpx.AsyncClient, judge: str) -> httpx.Response:
        return await http.post(
            server.api("/scores"),
            headers=server.bearer(judges[judge]),
            json={
                "contestant": "g1c1",
                "points": points(judge, "g1c1"),
                "submission_id": sheets[judge],
            },
        )

    try:
        async with httpx.AsyncClient(timeout=60) as http:
            staged = await http.post(
                server.api("/stage"), headers=server.bearer(admin), json={"contestant": "g1c1"}
            )
            assert staged.status_code == 200, staged.text
            # B4's token known to the process: its next sheet reaches the append
            first = await score(http, "B4")
            assert first.status_code == 200, first.text
            sheets["B4"] = uuid.uuid4().hex  # a correction, sent during the outage
            head = first.json()["seq"]
            await control.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            await control.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            # B4's sheet fails at the append; the others' tokens cannot be looked up
            for judge in ("B4", "B4", "B1", "B2", "B3"):
                began = time.monotonic()
                answer = await score(http, judge)
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "store_unavailable"
                assert answer.headers["retry-after"] == "1"
                assert time.monotonic() - began < STORE_WAIT_SECONDS + 2
            began = time.monotonic()
            closing = await http.post(
                server.api("/close"), headers=server.bearer(admin), json={"contestant": "g1c1"}
            )
            assert closing.status_code == 503, closing.text
            assert closing.json()["error"]["code"] == "store_unavailable"
            assert time.monotonic() - began < STORE_WAIT_SECONDS + 2

            await control.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
            deadline = time.monotonic() + 30
            for judge in sheets:  # sent again, as the judges' pages do
                while (answer := await score(http, judge)).status_code == 503:
                    assert time.monotonic() < deadline, answer.text
                    await asyncio.sleep(0.5)
                assert answer.status_code == 200, answer.text
                assert (await score(http, judge)).json()["duplicate"] is True
            progress = (await http.get(server.api("/progress"))).json()
            assert progress["on_stage"]["scored"] == len(sheets)
            assert progress["seq"] == head + len(sheets)
    finally:
        stop_server(process)
    log = (tmp_path / "server.0.out").read_bytes().decode()
    assert "Exception in ASGI application" not in log and "internal_error" not in log, log
