"""Disk trouble under SQLite: the database on a small tmpfs that fills up
mid-show. Commands are refused with 503 ``store_unavailable``,
reads and screens keep the last state, marked "not saving" (heartbeats say
``writable: false``) until an append succeeds again, nothing acknowledged is
lost, and service resumes by itself once the disk is writable again.

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
from typing import Any

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
from tests.pages.conftest import CHROMIUM, CHROMIUM_ARGS, OUTPUT, SCREEN
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
        async with (
            httpx.AsyncClient(timeout=30) as http,
            websockets.connect(server.ws()) as ws,
            ScreenPage(server) as page,
        ):
            await ws.send(json.dumps({"type": "subscribe", "view": "progress"}))
            screen = Watcher(ws)
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
            # the screen still holds the last state, now marked "not saving":
            # nothing refused was shown
            await screen.until(lambda: screen.writable[-1:] == [False])
            assert screen.seq <= head
            # a page that connects now is told at once
            async with websockets.connect(server.ws()) as late:
                await late.send(json.dumps({"type": "subscribe", "view": "board"}))
                newcomer = Watcher(late)
                await newcomer.until(lambda: newcomer.writable == [False])
            await page.shows("unsaved")

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
            await screen.until(
                lambda: screen.seq == head + len(refused) and screen.writable[-1:] == [True]
            )
            await page.shows("live")
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


class Watcher:
    """What one WebSocket client has received: the seq of its last view, and
    each ``writable`` its heartbeats carried (in order)."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.seq = 0
        self.writable: list[bool] = []

    async def until(self, done: Callable[[], bool]) -> None:
        async with asyncio.timeout(20):
            while not done():
                message = json.loads(await self.ws.recv())
                if message["type"] == "view":
                    self.seq = message["seq"]
                elif message["type"] == "heartbeat":
                    self.writable.append(message["writable"])


class ScreenPage:
    """The venue screen in Chromium (skipped where Chromium is missing, as the
    page tests are), to see its connection mark."""

    def __init__(self, server: Server) -> None:
        self.url = f"{server.url}/screen/{server.stream}?lang=en"
        self.page: Any = None

    async def __aenter__(self) -> ScreenPage:
        if not CHROMIUM.exists():
            return self
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        self.page = await (await self._browser.new_context(**SCREEN)).new_page()
        await self.page.goto(self.url)
        await self.shows("live")
        return self

    async def shows(self, status: str) -> None:
        if self.page is None:
            return
        from playwright.async_api import expect

        await expect(self.page.locator("#conn")).to_have_class(f"conn {status}", timeout=15000)
        if status == "unsaved":
            await expect(self.page.locator("#conn")).to_have_text(
                "Not saving — results may be out of date"
            )
            OUTPUT.mkdir(exist_ok=True)
            await self.page.screenshot(path=str(OUTPUT / "screen-not-saving.png"))

    async def __aexit__(self, *exc: object) -> None:
        if self.page is not None:
            await self._browser.close()
            await self._playwright.stop()
