"""WebSocket views, and a whole competition driven from ``leitai init`` to awards."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from tests.server.conftest import ROOT, Server, start_server, stop_server


async def subscribe(
    server: Server, *views: str, since: int = 0, token: str | None = None
) -> ClientConnection:
    ws = await websockets.connect(server.ws(), compression=None)
    for view in views:
        await ws.send(
            json.dumps({"type": "subscribe", "view": view, "since": since, "token": token})
        )
    return ws


async def until(ws: ClientConnection, view: str, seq: int) -> dict[str, Any]:
    """The first message of ``view`` at ``seq`` or later (others skipped)."""
    return (await untils(ws, (view,), seq))[view]


async def untils(ws: ClientConnection, views: Sequence[str], seq: int) -> dict[str, Any]:
    """For each of ``views``, its first message at ``seq`` or later, in
    whatever order they come (a publication sends ``progress`` before the
    boards); within 30 s."""
    found: dict[str, Any] = {}
    async with asyncio.timeout(30):
        while len(found) < len(views):
            message = json.loads(await ws.recv())
            assert message["type"] != "error", message
            if message["type"] == "view" and message["view"] in views and message["seq"] >= seq:
                found.setdefault(message["view"], message)
    return found


async def post(
    client: httpx.AsyncClient, server: Server, path: str, token: str, **body: Any
) -> dict[str, Any]:
    answer = await client.post(server.api(path), json=body, headers=server.bearer(token))
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def points(judge: str, contestant: str) -> dict[str, str]:
    """Deterministic, varied marks (one decimal place, within the maxima)."""
    base = sum(map(ord, judge + contestant))
    return {"content": f"{40 + base % 20}.{base % 10}", "delivery": f"{20 + base % 19}.5"}


async def test_views_arrive_as_snapshot_then_updates(
    server: Server, client: httpx.AsyncClient
) -> None:
    ws = await subscribe(server, "progress")
    first = await until(ws, "progress", 0)
    receipt = await post(client, server, "/stage", server.admin, contestant="g1c1")
    update = await until(ws, "progress", receipt["seq"])
    assert update["seq"] == receipt["seq"] > first["seq"]
    assert update["data"]["on_stage"]["contestant"] == "g1c1"
    # three expected judges, none scored yet (false flags are left out of the view)
    assert [j.get("scored", False) for j in update["data"]["on_stage"]["expected"]] == [False] * 3
    assert not any("scored" in j for j in update["data"]["on_stage"]["expected"])
    receipt = await post(
        client,
        server,
        "/scores",
        server.judges["B1"],
        contestant="g1c1",
        points=points("B1", "g1c1"),
        submission_id=uuid.uuid4().hex,
    )
    update = await until(ws, "progress", receipt["seq"])
    assert update["data"]["on_stage"]["scored"] == 1
    assert "content" not in json.dumps(update["data"])  # progress says who, never what
    await ws.close()


async def test_a_reconnecting_client_ends_like_one_that_never_left(
    server: Server, client: httpx.AsyncClient
) -> None:
    steady = await subscribe(server, "board_full", "progress", token=server.auditor)
    leaving = await subscribe(server, "board_full", "progress", token=server.auditor)
    seen = (await until(leaving, "board_full", 0))["seq"]
    await post(client, server, "/stage", server.admin, contestant="g1c1")
    await leaving.close()
    last = 0
    for judge in ("B1", "B2", "B3"):
        last = (
            await post(
                client,
                server,
                "/scores",
                server.judges[judge],
                contestant="g1c1",
                points=points(judge, "g1c1"),
                submission_id=uuid.uuid4().hex,
            )
        )["seq"]
    await post(client, server, "/close", server.admin, contestant="g1c1")
    last = (await post(client, server, "/reveal", server.admin, contestant="g1c1"))["seq"]
    back = await subscribe(server, "board_full", "progress", since=seen, token=server.auditor)
    views = ("board_full", "progress")
    returned, stayed = await untils(back, views, last), await untils(steady, views, last)
    for view in views:
        assert returned[view]["data"] == stayed[view]["data"]
    await steady.close()
    await back.close()


async def test_subscriptions_are_checked(server: Server) -> None:
    ws = await websockets.connect(server.ws(), compression=None)
    for message, code in (
        ({"type": "subscribe", "view": "audit"}, "token_required"),
        ({"type": "subscribe", "view": "audit", "token": server.judges["A1"]}, "forbidden"),
        ({"type": "subscribe", "view": "nothing"}, "unknown_view"),
        ({"type": "subscribe", "view": "board", "extra": 1}, "invalid_message"),
        ({"type": "subscribe", "view": "board", "patches": "yes"}, "invalid_message"),
    ):
        await ws.send(json.dumps(message))
        answer = json.loads(await ws.recv())
        assert answer["type"] == "error" and answer["error"]["code"] == code, answer
    await ws.send("not json")
    assert json.loads(await ws.recv())["error"]["code"] == "invalid_message"
    await ws.close()
    # in the language the page asked for at the handshake
    chinese = await websockets.connect(
        server.ws(), compression=None, additional_headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    await chinese.send(json.dumps({"type": "subscribe", "view": "nothing"}))
    assert json.loads(await chinese.recv())["error"]["message"] == "没有视图 'nothing'"
    await chinese.close()


def leitai(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


async def test_a_whole_competition_from_init_to_awards(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    db = tmp_path / "contest.db"
    printed = leitai("init", str(ROOT / "examples" / "contest.toml"), "--db", str(db))
    stream = re.search(r"Created competition '([^']+)'", printed).group(1)  # type: ignore[union-attr]
    admin = re.search(r"/admin/[^#]+#token=(\S+)", printed).group(1)  # type: ignore[union-attr]
    auditor = re.search(r"/audit/[^#]+#token=(\S+)", printed).group(1)  # type: ignore[union-attr]
    judges = dict(re.findall(r"^  (\S+) .*#token=(\S+)$", printed, re.MULTILINE))
    process, url = start_server(db)
    try:
        server = Server(url, db, stream, admin, auditor, judges, process)
        watcher = await subscribe(server, "board")
        draw = await post(
            client, server, "/draw", admin, round="prelim", seed="2026-11-22 现场抽签"
        )
        full = (await client.get(server.api("/board"), headers=server.bearer(auditor))).json()
        order = [row["contestant"] for row in full["overall"]]
        sent: dict[str, list[Decimal]] = {}
        weights = {"content": Decimal("0.5"), "delivery": Decimal("0.3")}
        for contestant in order:
            await post(client, server, "/stage", admin, contestant=contestant)
            progress = (await client.get(server.api("/progress"))).json()
            for judge in progress["on_stage"]["expected"]:
                marks = points(judge["judge"], contestant) | {"presence": "80"}
                await post(
                    client,
                    server,
                    "/scores",
                    judges[judge["judge"]],
                    contestant=contestant,
                    points=marks,
                    submission_id=uuid.uuid4().hex,
                )
                total = sum(Decimal(marks[k]) * w for k, w in weights.items()) + Decimal(
                    "80"
                ) * Decimal("0.2")
                sent.setdefault(contestant, []).append(total)
            await post(client, server, "/close", admin, contestant=contestant)
            await post(client, server, "/reveal", admin, contestant=contestant)
        last = (await post(client, server, "/awards", admin, round="prelim"))["seq"]
        public = (await until(watcher, "board", last))["data"]
        assert draw["events"] == ["running_order_drawn"]
        assert public["awards_published"] is True
        rows = {row["contestant"]: row for row in public["overall"]}
        assert set(rows) == set(order)
        for contestant, totals in sent.items():
            row = rows[contestant]
            kept = sorted(totals)[1:-1]  # trim = 1: highest and lowest dropped
            assert Decimal(row["aggregate"]) == half_up(sum(kept) / len(kept)), contestant
            composite = sum(Decimal(c["weight"]) * Decimal(c["value"]) for c in row["components"])
            assert Decimal(row["final"]) == half_up(composite), contestant
        ranked = sorted(rows.values(), key=lambda r: -Decimal(r["final"]))
        for better, worse in itertools.pairwise(ranked):
            assert better["rank"] <= worse["rank"]
        assert sum(1 for r in rows.values() if r["award"]) >= 1
        await watcher.close()
        verified = leitai("verify", str(db))
        assert f"head seq {last}," in verified
    finally:
        stop_server(process)
