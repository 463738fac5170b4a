"""Tokens: guessing is slowed and then refused per address, roles stay in
their lane, revoked tokens fail, and no token leaks into a log line, an
export or an error message."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from pathlib import Path

import httpx
import pytest
import websockets

from events.credentials import open_credentials
from tests.hardening.conftest import output_of
from tests.server.conftest import Server


def bad() -> dict[str, str]:
    return Server.bearer(secrets.token_urlsafe(32))


@pytest.mark.settings(
    bad_tokens_before_delay=3,
    bad_tokens_before_block=8,
    bad_token_block_seconds=2,
    token_cache_seconds=60,
)
async def test_bad_tokens_are_slowed_then_refused_per_address(venue: Server) -> None:
    async with (
        httpx.AsyncClient(timeout=30) as http,
        httpx.AsyncClient(
            timeout=30, transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        ) as other,
    ):
        board = venue.api("/board")
        # the admin's token is checked (and so known good) before the guessing starts
        assert (await http.get(board, headers=Server.bearer(venue.admin))).status_code == 200
        took = []
        for _ in range(8):
            started = time.monotonic()
            answer = await http.get(board, headers=bad())
            took.append(time.monotonic() - started)
            assert answer.status_code == 401, answer.text
            assert answer.json()["error"]["code"] == "invalid_token"
        # from the third refusal on, each answer comes later (0.05 s, doubling);
        # the eighth starts the block
        assert max(took[:2]) < 0.04
        assert all(took[i] >= 0.05 * 2 ** (i - 2) for i in range(2, 7)), took
        refused = await http.get(board, headers=bad())
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_attempts"
        assert 1 <= int(refused.headers["retry-after"]) <= 3
        # a good token is refused too, unless already known good
        judge = await http.get(venue.api("/me"), headers=Server.bearer(venue.judges["A1"]))
        assert judge.status_code == 429
        assert (await http.get(board, headers=Server.bearer(venue.admin))).status_code == 200
        # another address is not affected
        assert (await other.get(board, headers=bad())).status_code == 401
        mine = await other.get(venue.api("/me"), headers=Server.bearer(venue.judges["A1"]))
        assert mine.status_code == 200
        # and the block ends by itself
        deadline = time.monotonic() + 10
        while (await http.get(venue.api("/me"), headers=bad())).status_code == 429:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)


@pytest.mark.settings(
    bad_tokens_before_delay=1,
    bad_tokens_before_block=3,
    bad_token_block_seconds=30,
    token_cache_seconds=0.2,
)
async def test_judges_behind_a_blocked_address_keep_scoring_long_after_their_last_request(
    venue: Server,
) -> None:
    """One stale link behind the venue's NAT blocked every judge whose last
    request was more than the token cache's lifetime (2 s) ago."""
    async with httpx.AsyncClient(timeout=30) as http:
        me = venue.api("/me")
        assert (await http.get(me, headers=Server.bearer(venue.judges["A1"]))).status_code == 200
        for _ in range(3):
            assert (await http.get(me, headers=bad())).status_code == 401
        assert (await http.get(me, headers=bad())).status_code == 429
        await asyncio.sleep(0.5)  # the answer about A1's token expired
        assert (await http.get(me, headers=Server.bearer(venue.judges["A1"]))).status_code == 200
        # a judge never seen before from this address is still held back
        unseen = await http.get(me, headers=Server.bearer(venue.judges["A2"]))
        assert unseen.status_code == 429


async def test_a_judge_token_reads_only_its_own(venue: Server) -> None:
    judge = Server.bearer(venue.judges["A1"])
    async with httpx.AsyncClient(timeout=30) as http:
        # another judge of the same panel has scored
        await http.post(
            venue.api("/stage"), headers=Server.bearer(venue.admin), json={"contestant": "g2c1"}
        )
        sheet = {"content": "57.3", "delivery": "31.9"}
        answer = await http.post(
            venue.api("/scores"),
            headers=Server.bearer(venue.judges["A2"]),
            json={"contestant": "g2c1", "points": sheet, "submission_id": uuid.uuid4().hex},
        )
        assert answer.status_code == 200, answer.text
        for path in (
            "/audit",
            "/log",
            "/results.csv",
            "/results.html",
            "/results.xlsx",
        ):
            answer = await http.get(venue.api(path), headers=judge)
            assert answer.status_code == 403, (path, answer.text)
            assert answer.json()["error"]["code"] == "forbidden"
        for method, path in (("POST", "/judges/A2/token"), ("DELETE", "/judges/A2/token")):
            answer = await http.request(method, venue.api(path), headers=judge)
            assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["message"] == "A judge token cannot do this."
        auditor = Server.bearer(venue.auditor)
        answer = await http.post(venue.api("/stage"), headers=auditor, json={"contestant": "g2c2"})
        assert answer.json()["error"]["message"] == "An auditor token cannot do this."
        # a typo in a judge's id must not look done
        admin = Server.bearer(venue.admin)
        for method in ("POST", "DELETE"):
            answer = await http.request(method, venue.api("/judges/A99/token"), headers=admin)
            assert (answer.status_code, answer.json()["error"]["code"]) == (404, "unknown_judge")
        answer = await http.post(venue.api("/stage"), headers=judge, json={"contestant": "g2c2"})
        assert answer.status_code == 403
        # the board a judge gets is the public one: no judge's marks in it
        public = (await http.get(venue.api("/board"))).json()
        assert (await http.get(venue.api("/board"), headers=judge)).json() == public
        assert "57.3" not in json.dumps(public)
        # its own view holds only its own sheets
        me = (await http.get(venue.api("/me"), headers=judge)).json()
        assert me["judge"] == "A1" and me["sheets"] == []
        assert "57.3" not in json.dumps(me) and "A2" not in json.dumps(me)
        progress = (await http.get(venue.api("/progress"), headers=judge)).json()
        assert "57.3" not in json.dumps(progress)
        # a score is always the token's own: the judge is not a field one can set
        body = {
            "contestant": "g2c1",
            "points": {"content": "1"},
            "submission_id": uuid.uuid4().hex,
            "judge": "A2",
        }
        answer = await http.post(venue.api("/scores"), headers=judge, json=body)
        assert answer.status_code == 422 and "judge" in answer.json()["error"]["message"]
    async with websockets.connect(venue.ws()) as ws:
        for view in ("audit", "board_full"):
            await ws.send(
                json.dumps({"type": "subscribe", "view": view, "token": venue.judges["A1"]})
            )
            message = json.loads(await ws.recv())
            assert message["type"] == "error" and message["error"]["code"] == "forbidden"


async def test_revoked_tokens_fail(venue: Server) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        admin = Server.bearer(venue.admin)
        judge = Server.bearer(venue.judges["A1"])
        assert (await http.get(venue.api("/me"), headers=judge)).status_code == 200
        revoked = await http.delete(venue.api("/judges/A1/token"), headers=admin)
        assert revoked.json() == {"judge": "A1", "revoked": 1}
        answer = await http.get(venue.api("/me"), headers=judge)  # at once: this process
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"
        # the admin's token revoked by an operator from outside the server process:
        # refused once the server's cache of checked tokens expires (2 s)
        head = (await http.get(venue.api("/progress"))).json()["seq"]
        credentials = await open_credentials(str(venue.db))
        try:
            assert await credentials.revoke(venue.stream, "admin", "admin") == 1
        finally:
            await credentials.close()
        deadline = time.monotonic() + 10
        while True:
            answer = await http.post(
                venue.api("/stage"), headers=admin, json={"contestant": "g1c1"}
            )
            if answer.status_code == 401:
                break
            assert time.monotonic() < deadline, "the revoked admin token still works"
            # accepted before the cache expired: undo nothing, just try again
            assert answer.status_code in (200, 409), answer.text
            await asyncio.sleep(0.2)
        assert answer.json()["error"]["code"] == "invalid_token"
        seq = (await http.get(venue.api("/progress"))).json()["seq"]
        after = await http.post(venue.api("/stage"), headers=admin, json={"contestant": "g1c2"})
        assert after.status_code == 401
        assert (await http.get(venue.api("/progress"))).json()["seq"] == seq >= head


@pytest.mark.settings(bad_tokens_before_delay=10_000, bad_tokens_before_block=10_000)
async def test_no_token_in_logs_exports_or_errors(venue: Server, tmp_path: Path) -> None:
    admin = Server.bearer(venue.admin)
    bodies: list[str] = []
    async with httpx.AsyncClient(timeout=30) as http:
        reissued = await http.post(venue.api("/judges/A2/token"), headers=admin)
        tokens = [venue.admin, venue.auditor, *venue.judges.values(), reissued.json()["token"]]
        # every token as the credential of requests that fail, in every way; a
        # refusal never repeats the token it refused. (A value typed into a field
        # or a path is named back to its sender when it is wrong, as any id is.)
        for token in tokens:
            for method, path, body in (
                ("POST", "/scores", {"contestant": "g1c1", "points": {}, "submission_id": "x"}),
                ("POST", "/stage", {"contestant": "nobody"}),
                ("POST", "/reveal", "not an object"),
                ("GET", "/log?from_seq=0", None),
                ("GET", "/results.csv?lang=fr", None),
                ("GET", "/audit", None),
                ("DELETE", "/judges/A9/token", None),
            ):
                for headers in (
                    Server.bearer(token),
                    Server.bearer(token[:-1]),
                    {"Authorization": token},
                ):
                    answer = await http.request(
                        method,
                        venue.api(path),
                        headers={**headers, "Accept-Language": "en"},
                        json=body,
                    )
                    bodies.append(answer.text)
        # a show, so the log and the exports have something in them
        await http.post(venue.api("/stage"), headers=admin, json={"contestant": "g1c1"})
        for judge in ("B1", "B2", "B3"):
            await http.post(
                venue.api("/scores"),
                headers=Server.bearer(venue.judges[judge]),
                json={
                    "contestant": "g1c1",
                    "points": {"content": "50", "delivery": "30"},
                    "submission_id": uuid.uuid4().hex,
                },
            )
        exports = [
            (await http.get(venue.api(path), headers=admin)).text
            for path in ("/log", "/audit", "/board", "/setup", "/results.csv", "/results.html")
        ]
        xlsx = (await http.get(venue.api("/results.xlsx"), headers=admin)).content
    for token in tokens:
        async with websockets.connect(venue.ws()) as ws:
            for message in (
                {"type": "subscribe", "view": "audit", "token": token},
                {"type": "subscribe", "view": "audit", "token": token + "x"},
                {"type": "subscribe", "view": "nothing", "token": token},
                {"type": "subscribe", "view": "audit", "token": token, "extra": 1},
            ):
                await ws.send(json.dumps(message))
                answer = json.loads(await ws.recv())
                while answer["type"] == "view":  # admin and auditor tokens may see the audit
                    answer = json.loads(await ws.recv())
                bodies.append(json.dumps(answer))
    log = output_of(venue)
    for token in tokens:
        for where, text in (
            ("log", log),
            *(("export", e) for e in exports),
            *(("error", b) for b in bodies),
        ):
            assert token not in text, f"a token in the server's {where}: {text[:300]}"
            assert token[:16] not in text, f"a token's start in the server's {where}"
        assert token.encode() not in xlsx
