"""A judge stands aside from the final through the HTTP API of a real server,
the heats' final results untouched (docs/rules.md §4)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import Server, contest, make_competition, serving
from tests.server.test_api import admin, head, score


@pytest.fixture
async def two_rounds(tmp_path: Path) -> AsyncIterator[Server]:
    """The test contest with a final: the best of each group goes on."""
    data = contest()
    data["rounds"].append({"id": "r2", "name": {"zh-CN": "决赛", "en": "Final"}})
    data["rules"]["advancement"] = {"count": 1, "scope": "group"}
    db = tmp_path / "leitai.db"
    with serving(db, data, await make_competition(db, data)) as server:
        yield server


async def test_a_judge_stands_aside_from_the_final_after_the_heats_are_final(
    two_rounds: Server, client: httpx.AsyncClient
) -> None:
    server = two_rounds
    panels = {"g1": ("B1", "B2", "B3"), "g2": ("A1", "A2", "A3")}
    for contestant, content in (("g1c1", "50"), ("g1c2", "40"), ("g2c1", "50"), ("g2c2", "40")):
        assert (await admin(client, server, "stage", contestant=contestant)).status_code == 200
        for judge in panels[contestant[:2]]:
            assert (await score(client, server, judge, contestant, content)).status_code == 200
        assert (await admin(client, server, "close", contestant=contestant)).status_code == 200
    for command, body in (
        ("awards", {"round": "r1"}),
        ("finalise", {"round": "r1"}),
        ("advance", {"from_round": "r1", "to_round": "r2", "name": {"en": "Final"}}),
    ):
        answer = await admin(client, server, command, **body)
        assert answer.status_code == 200, answer.text

    async def heats() -> str:
        answer = await client.get(
            server.api("/results.csv"),
            params={"round": "r1", "lang": "en"},
            headers=server.bearer(server.admin),
        )
        assert answer.status_code == 200, answer.text
        return answer.text

    before, seq = await heats(), await head(client, server)
    assert "B1" in before and "80" in before
    # for every round it would strike B1's marks from the heats: refused, nothing appended
    everywhere = await admin(
        client, server, "recuse", judge="B1", contestant="g1c1", reason="coach"
    )
    assert (everywhere.status_code, everywhere.json()["error"]["code"]) == (409, "results_final")
    unknown = await admin(client, server, "recuse", judge="B1", reason="coach", round="r9")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_round")
    assert await head(client, server) == seq

    final_only = await admin(
        client, server, "recuse", judge="B1", contestant="g1c1", reason="coach", round="r2"
    )
    assert final_only.status_code == 200, final_only.text

    assert await heats() == before
    log = (await client.get(server.api("/log"), headers=server.bearer(server.auditor))).text
    recused = json.loads(log.splitlines()[-1])
    assert (recused["type"], recused["data"]["round"]) == ("judge_recused", "r2")
    assert (await admin(client, server, "stage", contestant="g1c1")).status_code == 200
    on_stage = (await client.get(server.api("/progress"))).json()["on_stage"]
    assert on_stage["round"] == "r2"
    assert [j["judge"] for j in on_stage["expected"]] == ["B2", "B3"]
    refused = await score(client, server, "B1", "g1c1")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "judge_recused")
    me = (await client.get(server.api("/me"), headers=server.bearer(server.judges["B1"]))).json()
    assert "g1c1" not in me["expected"] and "g1c2" in me["expected"]
    assert {(s["contestant"], s["round"]) for s in me["sheets"]} == {
        ("g1c1", "r1"),
        ("g1c2", "r1"),
    }
