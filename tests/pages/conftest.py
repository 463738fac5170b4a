"""A real Leitai server and Debian's Chromium for the page tests.

Each test gets its own competition in a fresh SQLite file, created with
``leitai init`` (run once a session per competition file; each test gets a
copy of that untouched log) and served by uvicorn on a free port in a subprocess. The
pages are driven by Playwright's sync API with Chromium from /usr/bin; where
that browser is missing the tests are skipped with the reason, except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = ROOT / "test-output"
CID = "jiangcheng-speech-2025"


@pytest.fixture(scope="module", autouse=True)
def chromium_present() -> None:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@dataclass
class Server:
    url: str
    cid: str
    admin: str
    auditor: str
    judges: dict[str, str]
    process: subprocess.Popen[str] = field(repr=False)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """The API's JSON answer (raises on an error status)."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def text(self, path: str, token: str) -> str:
        """The API's answer as text (the log's NDJSON)."""
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return str(answer.read().decode())

    def admin_post(self, name: str, body: dict[str, Any]) -> Any:
        return self.call("POST", f"/api/competitions/{self.cid}/{name}", body, self.admin)

    def page(self, name: str, token: str | None = None, lang: str | None = None) -> str:
        query = f"?lang={lang}" if lang else ""
        fragment = f"#token={token}" if token else ""
        return f"{self.url}/{name}/{self.cid}{query}{fragment}"


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise RuntimeError("the server printed nothing")
    return process.stdout.readline()


def example_edited(folder: Path, name: str, edit: Callable[[str], str]) -> Path:
    """examples/contest.toml with ``edit`` applied to its text, written as ``folder/name``."""
    path = folder / name
    path.write_text(edit((ROOT / "examples" / "contest.toml").read_text()))
    return path


_initialised: dict[str, tuple[Path, str]] = {}
"""Each competition file ``leitai init`` has created this session: the folder of its
untouched log and what the command printed."""


def initialise(tmp: Path, definition: Path) -> str:
    """``leitai init`` of ``definition`` into ``tmp/t.db``; what it printed. A file
    already initialised this session is copied from that untouched log instead (the
    same fresh competition and tokens, without another process to start)."""
    text = definition.read_text()
    if text not in _initialised:
        pristine = tmp / f"initialised-{len(_initialised)}"
        pristine.mkdir()
        created = subprocess.run(
            [
                sys.executable,
                "-m",
                "server.cli",
                "init",
                str(definition),
                "--db",
                str(pristine / "t.db"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        _initialised[text] = (pristine, created)
    pristine, created = _initialised[text]
    for path in pristine.glob("t.db*"):
        shutil.copy(path, tmp / path.name)
    return created


def start_server(tmp: Path, definition: Path) -> Iterator[Server]:
    db = tmp / "t.db"
    created = initialise(tmp, definition)
    admin = re.search(r"admin:\s+\S+#token=(\S+)", created)
    assert admin is not None, created
    auditor = re.search(r"auditor:\s+\S+#token=(\S+)", created)
    assert auditor is not None, created
    judges = dict(re.findall(r"^\s+(\S+) .*#token=(\S+)$", created, re.MULTILINE))
    stream = tomllib.loads(definition.read_text())["id"]
    yield from serve(db, stream, admin.group(1), auditor.group(1), judges)


def serve(db: Path, cid: str, admin: str, auditor: str, judges: dict[str, str]) -> Iterator[Server]:
    """``leitai serve`` on a free port over the log in ``db``, made by ``start_server``
    (a copy of one: a test can start from a show already run)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--db", str(db), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process, 30)
        found = re.search(r"(http://\S+?)/?$", line.strip())
        assert found is not None, line
        yield Server(found.group(1), cid, admin, auditor, judges, process)
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, ROOT / "examples" / "contest.toml")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The module's Chromium; the contexts a test opens are closed after it. A page
    left open keeps its timers, animations and reconnecting socket running on the
    CPU the next tests need, until the module ends."""
    yield chromium
    for context in chromium.contexts:
        context.close()


REVEAL_AHEAD_MS = 7000
"""How far ahead of real time ``hurry_reveal`` runs a screen's clock, at most: the
page marks itself stale after 15 s of its own time without a message (three missed
heartbeats), and the server's heartbeats come every 5 s of real time."""


def score_on_stage(server: Server, contestant: str, prefix: str) -> list[str]:
    """Every judge expected for ``contestant``, who is on stage, sends a sheet
    (marks 80, 81, … in judge order, submission ids ``prefix-contestant-judge``);
    the judges, in that order."""
    progress = server.call("GET", f"/api/competitions/{server.cid}/progress")
    judges = [j["judge"] for j in progress["on_stage"]["expected"]]
    for n, judge in enumerate(judges):
        mark = str(80 + n)
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"{prefix}-{contestant}-{judge}",
            },
            server.judges[judge],
        )
    return judges


def run_clock_until(page: Any, done: Any) -> None:
    """Run a screen's clock (``page.clock.install()`` before the page was loaded) in
    steps of 250 ms until the locator ``done`` finds something, each step firing the
    page's timers in their order, never more than REVEAL_AHEAD_MS in all; whatever
    is left plays in real time, so the test's own wait for it still decides."""
    ran = 0
    while ran < REVEAL_AHEAD_MS and done.count() == 0:
        page.clock.run_for(250)
        ran += 250


def hurry_reveal(page: Any) -> None:
    """Play the reveal on a screen's stage at more than the hall's pace (a judge's mark
    every 450 ms, then the count-up): its clock is run until the ranks are up."""
    expect(page.locator(".now-body.reveal")).to_be_visible()
    run_clock_until(page, page.locator(".now-body.reveal .reveal-rank.shown"))


PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREEN = {"viewport": {"width": 1920, "height": 1080}}
