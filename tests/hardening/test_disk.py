"""Disk trouble under SQLite: the database on a small tmpfs that fills up
mid-show. Commands are refused with 503 ``store_unavailable``,
reads and screens keep the last state, nothing acknowledged is lost, and
service resumes by itself once the disk is writable again.

Mounting needs root (CAP_SYS_ADMIN); where it is refused the test is skipped
with the reason, except under CI=true, where it fails. (A read-only remount
cannot be tested this way: Linux refuses it with EBUSY while the server holds
the database open for writing; and a read-only directory does not stop
SQLite, whose WAL and shared-memory files are already open.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from projections.board import board
from tests.hardening.conftest import (
    Ack,
    Phones,
    as_json,
    check_acks,
    read_log,
    replayed,
)
from tests.server.conftest import Server, contest, make_competition, start_server, stop_server


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, unmounted after the test."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs here: {mounted.stderr.strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(where: Path) -> Path:
    """Fill the file system up; the file to delete to free it."""
    filler = where / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


async def score(
    http: httpx.AsyncClient, server: Server, judge: str, submission: str
) -> httpx.Response:
    return await http.post(
        server.api("/scores"),
        headers=Server.bearer(server.judges[judge]),
        json={
            "contestant": "g1c1",
            "points": {"content": "40", "delivery": "30"},
            "submission_id": submission,
        },
    )


async def test_a_full_disk_refuses_then_resumes_by_itself(disk: Path, tmp_path: Path) -> None:
    db = disk / "leitai.db"
    data = contest(judges_per_panel=8, contestants_per_group=2)
    admin, auditor, judges = await make_competition(db, data)
    process, url = start_server(db, logs=tmp_path)
    server = Server(url, db, data["id"], admin, auditor, judges, process)
    try:
        async with httpx.AsyncClient(timeout=30) as http, websockets.connect(server.ws()) as ws:
            await ws.send(json.dumps({"type": "subscribe", "view": "progress"}))
            phones = Phones(server, http)
            await phones.call("g1c1")
            for judge in ("B1", "B2"):
                await phones.score(judge, "g1c1")
            head = (await http.get(server.api("/progress"))).json()["seq"]

            filler = fill(disk)
            refused: dict[str, str] = {}
            for judge in ("B3", "B4", "B5", "B6"):
                refused[judge] = uuid.uuid4().hex
                answer = await score(http, server, judge, refused[judge])
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "store_unavailable"
            answer = await http.post(
                server.api("/close"), headers=Server.bearer(admin), json={"contestant": "g1c1"}
            )
            assert answer.status_code == 503
            # reads keep answering with the last committed state
            shown = await http.get(server.api("/progress"))
            assert shown.status_code == 200 and shown.json()["seq"] == head
            # the screen still holds the last state: nothing refused was shown
            seen = await last_view(ws)
            assert seen <= head

            filler.unlink()
            # the phones' outboxes send again, with the same ids: accepted, by
            # the same server process, without a restart
            for judge, submission in refused.items():
                answer = await resend(lambda j=judge, s=submission: score(http, server, j, s))
                receipt = answer.json()
                phones.acks.append(
                    Ack(
                        judge,
                        "g1c1",
                        submission,
                        receipt["seq"],
                        receipt["hash"],
                        receipt["duplicate"],
                    )
                )
            assert (await last_view(ws, head + len(refused))) == head + len(refused)
        log = await read_log(str(db), server.stream)
        check_acks(phones.acks, log)
        assert [e.seq for e in log] == list(range(1, len(log) + 1))
        state = replayed(log, server.stream)
        async with httpx.AsyncClient(timeout=30) as http:
            full = await http.get(server.api("/board"), headers=Server.bearer(admin))
        assert full.json() == as_json(board(state, public=False))
    finally:
        stop_server(process)


async def resend(send: Callable[[], object]) -> httpx.Response:
    """Send until accepted, as the judge page's outbox does (bounded)."""
    deadline = time.monotonic() + 30
    while True:
        answer: httpx.Response = await send()  # type: ignore[misc]
        if answer.status_code != 503:
            assert answer.status_code == 200, answer.text
            return answer
        assert time.monotonic() < deadline, "the server never resumed"
        await asyncio.sleep(0.1)


async def last_view(ws: websockets.ClientConnection, at_least: int = 0) -> int:
    """The seq of the last progress view received (heartbeats give it too)."""
    seq = 0
    async with asyncio.timeout(20):
        while True:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
            except TimeoutError:
                if seq >= at_least:
                    return seq
                continue
            if message["type"] == "view":
                seq = message["seq"]
