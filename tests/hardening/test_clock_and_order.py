"""Clock and ordering: the server's clock is the only one; organisers racing
get one success and one conflict; a command out of order is refused with a
message that says what to do, and appends nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.server.conftest import Server


async def head(http: httpx.AsyncClient, server: Server) -> int:
    seq: int = (await http.get(server.api("/progress"))).json()["seq"]
    return seq


async def admin(
    http: httpx.AsyncClient, server: Server, command: str, **body: Any
) -> httpx.Response:
    return await http.post(
        server.api(f"/{command}"),
        json=body,
        headers={**Server.bearer(server.admin), "Accept-Language": "en"},
    )


async def score(
    http: httpx.AsyncClient, server: Server, judge: str, **extra: Any
) -> httpx.Response:
    return await http.post(
        server.api("/scores"),
        json={
            "contestant": "g1c1",
            "points": {"content": "45", "delivery": "31"},
            "submission_id": uuid.uuid4().hex,
            **extra,
        },
        headers={
            **Server.bearer(server.judges[judge]),
            # the phone believes it is 1999 (or next year): nothing takes its word
            "Date": "Fri, 31 Dec 1999 23:59:59 GMT"
            if judge == "B1"
            else "Mon, 01 Jan 2035 00:00:00 GMT",
        },
    )


async def test_a_phone_with_a_wrong_clock_changes_nothing(venue: Server) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await admin(http, venue, "stage", contestant="g1c1")).status_code == 200
        # a time in the command is no field of it
        sent_time = await score(http, venue, "B1", at="1999-12-31T23:59:59Z")
        assert sent_time.status_code == 422 and "at" in sent_time.json()["error"]["message"]
        before = datetime.now(UTC) - timedelta(seconds=1)
        receipts = [(await score(http, venue, judge)).json() for judge in ("B1", "B2")]
        after = datetime.now(UTC) + timedelta(seconds=1)
        log = [
            json.loads(line)
            for line in (
                await http.get(venue.api("/log"), headers=Server.bearer(venue.admin))
            ).text.splitlines()
        ]
    by_seq = {e["seq"]: e for e in log}
    for receipt in receipts:
        at = datetime.fromisoformat(receipt["at"].replace("Z", "+00:00"))
        assert before <= at <= after, receipt["at"]  # the server's clock
        assert by_seq[receipt["seq"]]["at"] == receipt["at"]
    ats = [e["at"] for e in log]
    assert ats == sorted(ats)  # the log's time never runs backwards


async def test_organisers_racing_get_one_success_and_one_conflict(venue: Server) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for command, code in (
            ("stage", "already_on_stage"),
            ("close", "not_open"),
            ("reveal", "already_revealed"),
        ):
            if command == "close":
                for judge in ("B1", "B2", "B3"):
                    assert (await score(http, venue, judge)).status_code == 200
            before = await head(http, venue)
            answers = await asyncio.gather(
                *(admin(http, venue, command, contestant="g1c1") for _ in range(2))
            )
            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            loser = next(a for a in answers if a.status_code == 409)
            assert loser.json()["error"]["code"] == code
            winner = next(a for a in answers if a.status_code == 200)
            assert await head(http, venue) == before + len(winner.json()["events"])


async def test_commands_out_of_order_say_what_to_do(venue: Server) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await admin(http, venue, "stage", contestant="g1c1")).status_code == 200
        before = await head(http, venue)
        refusals = []
        refusals.append(
            (await admin(http, venue, "reveal", contestant="g1c1"), "not_closed", "close scoring")
        )
        refusals.append(
            (
                await admin(http, venue, "close", contestant="g1c1"),
                "no_scores",
                "wait for the scores",
            )
        )
        assert await head(http, venue) == before
        for judge in ("B1", "B2", "B3"):
            assert (await score(http, venue, judge)).status_code == 200
        assert (await admin(http, venue, "close", contestant="g1c1")).status_code == 200
        assert (await admin(http, venue, "reveal", contestant="g1c1")).status_code == 200
        settled = await head(http, venue)
        refusals.append(
            (
                await admin(http, venue, "reveal", contestant="g1c1"),
                "already_revealed",
                "nothing to do",
            )
        )
        refusals.append(
            (
                await admin(http, venue, "open", contestant="g1c1"),
                "already_revealed",
                "nothing to do",
            )
        )
        assert await head(http, venue) == settled
        for answer, code, advice in refusals:
            assert answer.status_code == 409, answer.text
            error = answer.json()["error"]
            assert error["code"] == code and advice in error["message"].lower(), error
        # and in Chinese for a Chinese page
        answer = await http.post(
            venue.api("/reveal"),
            json={"contestant": "g1c1"},
            headers={**Server.bearer(venue.admin), "Accept-Language": "zh-CN"},
        )
        assert "无需再操作" in answer.json()["error"]["message"]
