"""The HTTP API end to end: a real server process, real clients."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.api import ADMIN_COMMANDS
from tests.server.conftest import Server


def sid() -> str:
    return uuid.uuid4().hex


async def head(client: httpx.AsyncClient, server: Server) -> int:
    progress = (await client.get(server.api("/progress"))).json()
    return int(progress["seq"])


async def admin(
    client: httpx.AsyncClient, server: Server, command: str, **body: Any
) -> httpx.Response:
    return await client.post(
        server.api(f"/{command}"), json=body, headers=server.bearer(server.admin)
    )


async def score(
    client: httpx.AsyncClient,
    server: Server,
    judge: str,
    contestant: str,
    content: str = "50",
    delivery: str = "30",
    submission_id: str | None = None,
) -> httpx.Response:
    body = {
        "contestant": contestant,
        "points": {"content": content, "delivery": delivery},
        "submission_id": submission_id or sid(),
    }
    return await client.post(
        server.api("/scores"), json=body, headers=server.bearer(server.judges[judge])
    )


async def test_a_score_is_acknowledged_with_its_receipt(
    server: Server, client: httpx.AsyncClient
) -> None:
    assert (await admin(client, server, "stage", contestant="g1c1")).status_code == 200
    answer = await score(client, server, "B1", "g1c1", "55.5", "30")
    assert answer.status_code == 200, answer.text
    receipt = answer.json()
    assert receipt["events"] == ["score_submitted"] and len(receipt["hash"]) == 64
    log = (
        await client.get(server.api("/log"), headers=server.bearer(server.auditor))
    ).text.splitlines()
    assert f'"hash":"{receipt["hash"]}"' in log[receipt["seq"] - 1]
    assert '"content":"55.5"' in log[receipt["seq"] - 1]


@pytest.mark.contest(judges_per_panel=100, contestants_per_group=1, trim=1)
async def test_100_judges_at_once_each_counted_once(
    server: Server, client: httpx.AsyncClient
) -> None:
    assert (await admin(client, server, "stage", contestant="g1c1")).status_code == 200
    judges = [f"B{i}" for i in range(1, 101)]
    answers = await asyncio.gather(*(score(client, server, j, "g1c1") for j in judges))
    assert [a.status_code for a in answers] == [200] * 100
    seqs = sorted(a.json()["seq"] for a in answers)
    assert len(set(seqs)) == 100
    log = (
        await client.get(server.api("/log"), headers=server.bearer(server.auditor))
    ).text.splitlines()
    scored = [line for line in log if '"type":"score_submitted"' in line]
    assert len(scored) == 100
    assert all(f'"seq":{seq},' in log[seq - 1] for seq in seqs)
    progress = (await client.get(server.api("/progress"))).json()
    assert progress["on_stage"]["scored"] == 100 and progress["on_stage"]["missing"] == []


async def test_a_retried_submission_is_counted_once(
    server: Server, client: httpx.AsyncClient
) -> None:
    await admin(client, server, "stage", contestant="g1c1")
    same = sid()
    first = await score(client, server, "B1", "g1c1", submission_id=same)
    again = await asyncio.gather(
        *(score(client, server, "B1", "g1c1", submission_id=same) for _ in range(10))
    )
    assert first.status_code == 200
    for answer in again:
        assert answer.status_code == 200
        assert (answer.json()["seq"], answer.json()["hash"]) == (
            first.json()["seq"],
            first.json()["hash"],
        )
        assert answer.json()["duplicate"] is True
    log = (await client.get(server.api("/log"), headers=server.bearer(server.auditor))).text
    assert log.count(same) == 1


async def test_concurrent_first_submissions_with_one_id_append_once(
    server: Server, client: httpx.AsyncClient
) -> None:
    await admin(client, server, "stage", contestant="g1c1")
    same = sid()
    answers = await asyncio.gather(
        *(score(client, server, "B2", "g1c1", submission_id=same) for _ in range(20))
    )
    assert {(a.status_code, a.json()["seq"]) for a in answers} == {(200, answers[0].json()["seq"])}
    assert sum(not a.json()["duplicate"] for a in answers) == 1
    log = (await client.get(server.api("/log"), headers=server.bearer(server.auditor))).text
    assert log.count(same) == 1


async def test_rejections_have_a_code_and_append_nothing(
    server: Server, client: httpx.AsyncClient
) -> None:
    await admin(client, server, "stage", contestant="g1c1")
    assert (
        await admin(client, server, "recuse", judge="B3", reason="亲属 / relative")
    ).status_code == 200
    revoked = await client.delete(
        server.api("/judges/B2/token"), headers=server.bearer(server.admin)
    )
    assert revoked.status_code == 200 and revoked.json()["revoked"] == 1
    assert (await score(client, server, "B1", "g1c1")).status_code == 200  # closing needs one
    before = await head(client, server)

    async def post(body: Any, token: str, **kw: Any) -> httpx.Response:
        return await client.post(
            server.api("/scores"),
            headers=server.bearer(token),
            **kw,
            json=body if "content" not in kw else None,
        )

    def body(**change: Any) -> dict[str, Any]:
        return {
            "contestant": "g1c1",
            "points": {"content": "50", "delivery": "30"},
            "submission_id": sid(),
            **change,
        }

    cases: list[tuple[str, httpx.Response, int, str]] = [
        ("another panel's group", await post(body(), server.judges["A1"]), 403, "not_on_panel"),
        ("recused judge", await post(body(), server.judges["B3"]), 403, "judge_recused"),
        ("revoked token", await post(body(), server.judges["B2"]), 401, "invalid_token"),
        ("no token", await client.post(server.api("/scores"), json=body()), 401, "token_required"),
        (
            "wrong type",
            await post(body(points={"content": [1], "delivery": "3"}), server.judges["B1"]),
            422,
            "invalid_command",
        ),
        (
            "over the maximum",
            await post(body(points={"content": "60.5", "delivery": "30"}), server.judges["B1"]),
            422,
            "points_out_of_range",
        ),
        (
            "too many decimals",
            await post(body(points={"content": "50.25", "delivery": "30"}), server.judges["B1"]),
            422,
            "too_many_decimals",
        ),
        *[
            (
                f"points written {written!r}",
                await post(
                    body(points={"content": written, "delivery": "30"}), server.judges["B1"]
                ),
                422,
                "invalid_number",
            )
            for written in ("1_0", "1e1", "４0", "٣", " 8.5", "+5", ".5", "8.", "-0", "08.5")
        ],
        *[
            (what, await post(None, server.judges["B1"], content=written), 422, "duplicate_member")
            for what, written in (
                (
                    "the contestant named twice",
                    b'{"contestant":"g1c1","points":{"content":"50","delivery":"30"},'
                    b'"contestant":"g1c2","submission_id":"' + sid().encode() + b'"}',
                ),
                (
                    "a criterion named twice",
                    b'{"contestant":"g1c1","points":{"content":"50","delivery":"30",'
                    b'"content":"59"},"submission_id":"' + sid().encode() + b'"}',
                ),
            )
        ],
        (
            "a JSON number with an exponent",
            await post(
                None,
                server.judges["B1"],
                content=b'{"contestant":"g1c1",'
                b'"points":{"content":4e1,"delivery":30},"submission_id":"'
                + sid().encode()
                + b'"}',
            ),
            422,
            "invalid_number",
        ),
        (
            "unknown field",
            await post(body(comment="hi"), server.judges["B1"]),
            422,
            "invalid_command",
        ),
        ("not JSON", await post(None, server.judges["B1"], content=b"{nope"), 400, "invalid_json"),
        (
            "10 MB body",
            await post(None, server.judges["B1"], content=b"x" * 10_000_000),
            413,
            "body_too_large",
        ),
        (
            "judge doing admin work",
            await client.post(
                server.api("/close"),
                json={"contestant": "g1c1"},
                headers=server.bearer(server.judges["B1"]),
            ),
            403,
            "forbidden",
        ),
    ]
    await admin(client, server, "close", contestant="g1c1")
    before_closed = await head(client, server)
    cases.append(("scoring closed", await post(body(), server.judges["B1"]), 409, "scoring_closed"))
    for name, answer, status, code in cases:
        assert answer.status_code == status, (name, answer.text)
        error = answer.json()["error"]
        assert error["code"] == code, (name, error)
        assert error["message"], name
    assert before_closed == before + 1  # only the close itself was appended
    assert await head(client, server) == before_closed


async def test_messages_follow_the_callers_language(
    server: Server, client: httpx.AsyncClient
) -> None:
    answer = await client.post(
        server.api("/close"),
        json={"contestant": "g1c1"},
        headers={**server.bearer(server.admin), "Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert answer.status_code == 409
    message = answer.json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


async def test_two_admins_racing_to_open_scoring(server: Server, client: httpx.AsyncClient) -> None:
    await admin(client, server, "stage", contestant="g2c1", open_scoring=False)
    before = await head(client, server)
    answers = await asyncio.gather(
        *(admin(client, server, "open", contestant="g2c1") for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["error"]["code"] == "already_open"
    assert await head(client, server) == before + 1


async def test_public_board_hides_unrevealed_scores(
    server: Server, client: httpx.AsyncClient
) -> None:
    await admin(client, server, "stage", contestant="g2c1")
    for judge, content in (("A1", "50"), ("A2", "55"), ("A3", "45")):
        assert (await score(client, server, judge, "g2c1", content, "30")).status_code == 200
    await admin(client, server, "close", contestant="g2c1")
    public = (await client.get(server.api("/board"))).text
    full = (await client.get(server.api("/board"), headers=server.bearer(server.auditor))).json()
    assert '"80.0' not in public and "85" not in public
    row = next(r for r in full["overall"] if r["contestant"] == "g2c1")
    assert Decimal(row["aggregate"]) == Decimal("80")  # trimmed: 85 and 75 dropped
    assert (await admin(client, server, "reveal", contestant="g2c1")).status_code == 200
    public_row = next(
        r
        for r in (await client.get(server.api("/board"))).json()["overall"]
        if r["contestant"] == "g2c1"
    )
    assert Decimal(public_row["final"]) == Decimal("80") and public_row["rank"] == 1


async def test_openapi_describes_every_route(server: Server, client: httpx.AsyncClient) -> None:
    document = (await client.get(f"{server.url}/api/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    scores = document["paths"]["/api/competitions/{cid}/scores"]["post"]
    schema_name = scores["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit(
        "/", 1
    )[-1]
    schema = document["components"]["schemas"][schema_name]
    assert set(schema["required"]) >= {"contestant", "submission_id"}
    assert {"points", "abstain"} <= set(schema["properties"])  # no points: an abstention
    for path in (
        "/stage",
        "/close",
        "/reveal",
        "/amend",
        "/recuse",
        "/withdraw",
        "/draw",
        "/advance",
        "/awards",
    ):
        assert "post" in document["paths"][f"/api/competitions/{{cid}}{path}"]


async def test_openapi_documents_the_idempotency_key_wherever_it_is_taken(
    server: Server, client: httpx.AsyncClient
) -> None:
    """The console sends every command with an ``Idempotency-Key``; the document
    said nothing of it. Each operation that reads the header (a malformed one is
    refused) documents it, and none that ignores it does."""
    document = (await client.get(f"{server.url}/api/openapi.json")).json()
    taken, documented = set(), set()
    for path, operations in document["paths"].items():
        url = server.url + path.replace("{cid}", server.stream).replace("{judge}", "A1")
        for method, operation in operations.items():
            if method == "get":
                continue
            headers = server.bearer(server.admin) | {"Idempotency-Key": "not a key!"}
            answer = await client.request(method.upper(), url, json={}, headers=headers)
            if answer.status_code == 400 and answer.json()["error"]["code"] == (
                "invalid_idempotency_key"
            ):
                taken.add(f"{method} {path}")
            named = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
            if named:
                documented.add(f"{method} {path}")
                (header,) = named
                assert header["in"] == "header" and header["required"] is False
                pattern = header["schema"]["pattern"]
                assert re.fullmatch(pattern, "a1b2c3d4") and not re.fullmatch(pattern, "short")
    assert "post /api/competitions/{cid}/stage" in taken
    assert len(taken) == len(ADMIN_COMMANDS) == 18  # every admin command
    assert documented == taken


async def test_unknown_routes_and_competitions_use_the_error_shape(
    server: Server, client: httpx.AsyncClient
) -> None:
    for url, status, code in (
        (f"{server.url}/api/competitions/nope/board", 404, "unknown_competition"),
        (f"{server.url}/api/nothing-here", 404, "not_found"),
    ):
        answer = await client.get(url)
        assert answer.status_code == status and answer.json()["error"]["code"] == code


async def test_setup_is_public_and_me_is_the_judges_own(
    server: Server, client: httpx.AsyncClient
) -> None:
    setup = (await client.get(server.api("/setup"))).json()
    assert [c["key"] for c in setup["criteria"]] == ["content", "delivery"]
    assert setup["criteria"][0]["maximum"] == "60" and setup["places"] == 1
    assert {c["contestant"] for c in setup["contestants"]} == {"g1c1", "g1c2", "g2c1", "g2c2"}
    assert "token" not in json.dumps(setup)
    await admin(client, server, "stage", contestant="g1c1")
    receipt = (await score(client, server, "B1", "g1c1", "51.5", "30")).json()
    for url in (server.api("/me"), f"{server.url}/api/me"):
        me = (await client.get(url, headers=server.bearer(server.judges["B1"]))).json()
        assert me["judge"] == "B1" and me["expected"] == ["g1c1", "g1c2"]
        assert me["sheets"] == [
            {
                "contestant": "g1c1",
                "round": "r1",
                "seq": receipt["seq"],
                "submission_id": me["sheets"][0]["submission_id"],
                "kind": "submitted",
                "abstain": False,
                "points": {"content": "51.5", "delivery": "30"},
            }
        ]
    assert (
        await client.get(server.api("/me"), headers=server.bearer(server.admin))
    ).status_code == 403
    assert (
        await client.get(f"{server.url}/api/me", headers=server.bearer("nonsense"))
    ).status_code == 401


async def test_an_abstention_is_a_sheet_without_points(
    server: Server, client: httpx.AsyncClient
) -> None:
    """Over HTTP as in ``decide``: an abstention carries no points, and a
    sheet that is not one carries every criterion."""
    judge = server.bearer(server.judges["B1"])
    await admin(client, server, "stage", contestant="g1c1")
    abstained = await client.post(
        server.api("/scores"),
        json={"contestant": "g1c1", "abstain": True, "submission_id": sid()},
        headers=judge,
    )
    assert abstained.status_code == 200, abstained.text
    me = (await client.get(server.api("/me"), headers=judge)).json()
    assert [(s["abstain"], s["points"]) for s in me["sheets"]] == [(True, {})]
    refusals = (
        (
            {"abstain": True, "points": {"content": "50", "delivery": "30"}},
            "points_with_abstention",
        ),
        ({}, "missing_criterion"),
        ({"points": {}}, "missing_criterion"),
    )
    seq = await head(client, server)
    for body, code in refusals:
        answer = await client.post(
            server.api("/scores"),
            json={"contestant": "g1c1", "submission_id": sid(), **body},
            headers=judge,
        )
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, code)
    assert await head(client, server) == seq  # refused: nothing appended
    await admin(client, server, "close", contestant="g1c1")
    amended = await admin(
        client, server, "amend", judge="B2", contestant="g1c1", abstain=True, reason="ill"
    )
    assert amended.status_code == 200, amended.text
    audit = (await client.get(server.api("/audit"), headers=server.bearer(server.auditor))).json()
    versions = [v for v in _dicts(audit) if v.get("reason") == "ill"]
    assert [(v["abstain"], v["points"], v["total"]) for v in versions] == [(True, {}, None)]


def _dicts(value: Any) -> list[dict[str, Any]]:
    """Every JSON object in ``value``, at any depth."""
    if isinstance(value, list):
        return [d for item in value for d in _dicts(item)]
    if isinstance(value, dict):
        return [value, *(d for item in value.values() for d in _dicts(item))]
    return []


async def test_reissued_links_name_the_real_port(server: Server, client: httpx.AsyncClient) -> None:
    answer = await client.post(server.api("/judges/A1/token"), headers=server.bearer(server.admin))
    assert answer.json()["link"].startswith(f"{server.url}/judge/{server.stream}#token=")


async def test_scores_answer_the_same_through_the_router(tmp_path: Path) -> None:
    """The shortcut only skips the router: a request it does not match (here,
    under a root path) is routed to the same handler; other methods are 405."""
    from server.app import create_app
    from server.settings import Settings
    from tests.server.conftest import contest, make_competition

    db = tmp_path / "leitai.db"
    data = contest()
    admin_token, _, judges = await make_competition(db, data)
    app = create_app(Settings(store=str(db)))
    transport = httpx.ASGITransport(app=app, root_path="/venue")  # type: ignore[arg-type]
    api = f"/venue/api/competitions/{data['id']}"
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://venue.test") as routed,
    ):
        staged = await routed.post(
            f"{api}/stage", json={"contestant": "g1c1"}, headers=Server.bearer(admin_token)
        )
        assert staged.status_code == 200, staged.text
        sheet = {"contestant": "g1c1", "points": {"content": "50", "delivery": "30"}}
        answer = await routed.post(
            f"{api}/scores",
            json={**sheet, "submission_id": sid()},
            headers=Server.bearer(judges["B1"]),
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["events"] == ["score_submitted"]
        refused = await routed.post(f"{api}/scores", json={**sheet, "submission_id": sid()})
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "token_required")
        wrong = await routed.get(f"{api}/scores", headers=Server.bearer(judges["B1"]))
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")


async def test_prior_scores_disqualification_and_rejected_paper_sheets_over_http(
    server: Server, client: httpx.AsyncClient
) -> None:
    """The organiser's commands no other test sends over HTTP: each accepted
    with a receipt, and refused with the rules' own codes."""

    async def code(command: str, **body: Any) -> tuple[int, str]:
        before = await head(client, server)
        answer = await admin(client, server, command, **body)
        if not answer.is_error:
            return answer.status_code, ""
        assert await head(client, server) == before  # refused: nothing appended
        return answer.status_code, answer.json()["error"]["code"]

    assert await code("prior-scores", contestant="g1c1", source="expert", value="88.25") == (
        200,
        "",
    )
    assert await code("prior-scores", contestant="g1c1", source="expert", value="1.00001") == (
        422,
        "too_many_decimals",
    )
    assert await code("prior-scores", contestant="g1c1", source="live", value="1") == (
        422,
        "invalid_source",
    )
    assert await code("disqualify", contestant="g2c2", reason="违规") == (200, "")
    assert await code("stage", contestant="g2c2") == (409, "contestant_disqualified")

    await admin(client, server, "stage", contestant="g1c1")
    sheet = {"sheet": "paper-b1-0001", "judge": "B1", "contestant": "g1c1"}
    points = {"content": "50", "delivery": "30"}
    assert await code("paper-sheets", **sheet, points=points) == (200, "")
    assert await code("paper-sheets/reject", sheet=sheet["sheet"], reason="wrong judge") == (
        200,
        "",
    )
    assert await code("paper-sheets/reject", sheet=sheet["sheet"], reason="again") == (
        409,
        "paper_sheet_settled",
    )
    audit = (await client.get(server.api("/audit"), headers=server.bearer(server.auditor))).json()
    [paper] = [d for d in _dicts(audit) if d.get("sheet") == sheet["sheet"]]
    assert (paper["status"], paper["reason"]) == ("rejected", "wrong judge")
    full = (await client.get(server.api("/board"), headers=server.bearer(server.auditor))).json()
    rows = {r["contestant"]: r for r in full["overall"]}
    assert rows["g2c2"]["status"] == "disqualified"
    log = (await client.get(server.api("/log"), headers=server.bearer(server.auditor))).text
    [prior] = [e for e in map(json.loads, log.splitlines()) if e["type"] == "prior_score_recorded"]
    assert prior["data"] == {"contestant": "g1c1", "source": "expert", "value": "88.25"}


@pytest.mark.parametrize(
    "page", ["", "screen/{cid}", "live/{cid}", "judge/{cid}", "admin/{cid}", "audit/{cid}"]
)
async def test_every_page_names_its_icon_and_the_icon_is_served(
    read_only_server: Server, page: str
) -> None:
    """A browser asks a page without one for /favicon.ico, logging a 404 on every page."""
    server = read_only_server
    async with httpx.AsyncClient() as client:
        html = (await client.get(f"{server.url}/{page.format(cid=server.stream)}")).text
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
        icon = await client.get(f"{server.url}/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert "擂" in icon.text
