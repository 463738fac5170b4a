"""Paper sheets and finalising over HTTP: a real server, two named admins
(the second issued with ``leitai admin-token``), real clients."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx

from tests.server.conftest import ROOT, Server
from tests.server.test_api import admin, score

SHEET = {
    "sheet": "paper-B3-g1c1",
    "judge": "B3",
    "contestant": "g1c1",
    "points": {"content": "40", "delivery": "20"},
}


def admin_token(server: Server, stream: str, name: str) -> subprocess.CompletedProcess[str]:
    """``leitai admin-token`` for another organiser."""
    command = ["admin-token", "--db", str(server.db), "--stream", stream, "--admin", name]
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


async def second_admin(server: Server, name: str) -> str:
    """A token for another organiser, from the command line (shown once)."""
    done = await asyncio.to_thread(admin_token, server, server.stream, name)
    printed = done.stdout
    assert done.returncode == 0 and f"An admin token for {name!r}" in printed, done.stderr
    return printed.rsplit("#token=", 1)[1].strip()


async def post(
    client: httpx.AsyncClient, server: Server, token: str, path: str, body: object
) -> httpx.Response:
    return await client.post(
        server.api(path), content=json.dumps(body), headers=server.bearer(token)
    )


async def test_a_paper_sheet_counts_once_a_second_admin_confirms_it(
    server: Server, client: httpx.AsyncClient
) -> None:
    wang = await second_admin(server, "wang")
    me = await client.get(server.api("/whoami"), headers=server.bearer(wang))
    assert me.json() == {"role": "admin", "id": "wang"}
    me = await client.get(server.api("/whoami"), headers=server.bearer(server.admin))
    assert me.json() == {"role": "admin", "id": "admin"}

    assert (await admin(client, server, "stage", contestant="g1c1")).status_code == 200
    for judge, content in (("B1", "50"), ("B2", "30")):
        assert (await score(client, server, judge, "g1c1", content, "30")).status_code == 200

    entered = await post(client, server, server.admin, "/paper-sheets", SHEET)
    assert entered.status_code == 200, entered.text
    assert entered.json()["events"] == ["paper_sheet_entered"]
    retried = await post(client, server, server.admin, "/paper-sheets", SHEET)
    assert retried.json()["duplicate"] is True and retried.json()["seq"] == entered.json()["seq"]

    board = (await client.get(server.api("/board"), headers=server.bearer(server.admin))).json()
    (row,) = [r for r in board["overall"] if r["contestant"] == "g1c1"]
    assert {j["judge"] for j in row["judges"]} == {"B1", "B2"}  # the paper sheet waits
    audit = (await client.get(server.api("/audit"), headers=server.bearer(server.auditor))).json()
    assert [(p["sheet"], p["status"], p["entered_by"]) for p in audit["paper_sheets"]] == [
        ("paper-B3-g1c1", "pending", "admin")
    ]

    closing = await admin(client, server, "close", contestant="g1c1")
    assert (closing.status_code, closing.json()["error"]["code"]) == (409, "paper_sheet_pending")
    own = await post(
        client, server, server.admin, "/paper-sheets/confirm", {"sheet": SHEET["sheet"]}
    )
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_admin"
    chinese = await client.post(
        server.api("/paper-sheets/confirm"),
        json={"sheet": SHEET["sheet"]},
        headers=server.bearer(server.admin) | {"Accept-Language": "zh-CN"},
    )
    assert "另一位管理员" in chinese.json()["error"]["message"]
    bad = await post(client, server, wang, "/paper-sheets/confirm", {"sheet": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_command"
    judge = await post(
        client, server, server.judges["B1"], "/paper-sheets/confirm", {"sheet": SHEET["sheet"]}
    )
    assert judge.status_code == 403

    confirmed = await post(client, server, wang, "/paper-sheets/confirm", {"sheet": SHEET["sheet"]})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["events"] == ["score_submitted"]
    log = (await client.get(server.api("/log"), headers=server.bearer(server.auditor))).text
    last = json.loads(log.splitlines()[-1])
    assert last["actor"] == {"role": "admin", "id": "wang"}
    assert last["data"]["on_behalf"] == "admin" and last["data"]["judge"] == "B3"
    assert wang not in log and server.admin not in log  # secrets never enter the log

    assert (await admin(client, server, "close", contestant="g1c1")).status_code == 200
    assert (await admin(client, server, "reveal", contestant="g1c1")).status_code == 200
    public = (await client.get(server.api("/board"))).json()
    (row,) = [r for r in public["overall"] if r["contestant"] == "g1c1"]
    # 80, 60 and the paper sheet's 60, highest and lowest dropped: without it, no quorum
    assert row["judges_counted"] == 1 and row["aggregate"] == row["final"] == "60.00"


async def test_results_are_provisional_until_finalised(
    server: Server, client: httpx.AsyncClient
) -> None:
    for contestant in ("g1c1", "g1c2", "g2c1", "g2c2"):
        assert (await admin(client, server, "stage", contestant=contestant)).status_code == 200
        panel = "B" if contestant.startswith("g1") else "A"
        for i in (1, 2, 3):
            assert (await score(client, server, f"{panel}{i}", contestant)).status_code == 200
        assert (await admin(client, server, "close", contestant=contestant)).status_code == 200
        assert (await admin(client, server, "reveal", contestant=contestant)).status_code == 200
    early = await admin(client, server, "finalise", round="r1")
    assert (early.status_code, early.json()["error"]["code"]) == (409, "awards_not_published")
    assert (await admin(client, server, "awards", round="r1")).status_code == 200
    board = (await client.get(server.api("/board"))).json()
    assert board["awards_published"] is True and board["final"] is False
    finalised = await admin(client, server, "finalise", round="r1")
    assert finalised.json()["events"] == ["results_finalised"]
    assert (await client.get(server.api("/board"))).json()["final"] is True
    again = await admin(client, server, "awards", round="r1")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "results_final")


async def test_admin_ids_are_checked(server: Server) -> None:
    for stream, name, problem in (
        (server.stream, "no spaces", "Admin id 'no spaces'"),
        ("nope", "wang", "No competition 'nope'"),
    ):
        result = await asyncio.to_thread(admin_token, server, stream, name)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "#token=" not in result.stdout and problem in result.stderr
