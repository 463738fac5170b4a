"""An organiser's command sent again with its ``Idempotency-Key`` (the answer
lost on the venue's Wi-Fi) answers what the first did: nothing twice, no
refusal for what was done."""

from __future__ import annotations

import json

import httpx

from tests.server.conftest import Server


async def command(
    client: httpx.AsyncClient, server: Server, path: str, body: dict[str, object], key: str | None
) -> httpx.Response:
    headers = server.bearer(server.admin) | ({"Idempotency-Key": key} if key else {})
    return await client.post(server.api(path), json=body, headers=headers)


async def recorded(client: httpx.AsyncClient, server: Server, kind: str) -> int:
    log = await client.get(server.api("/log"), headers=server.bearer(server.auditor))
    return sum(json.loads(line)["type"] == kind for line in log.text.splitlines())


async def test_a_command_sent_again_with_its_key_answers_the_first(
    server: Server, client: httpx.AsyncClient
) -> None:
    first = await command(client, server, "/stage", {"contestant": "g1c1"}, "stage-g1c1-0001")
    again = await command(client, server, "/stage", {"contestant": "g1c1"}, "stage-g1c1-0001")
    unkeyed = await command(client, server, "/stage", {"contestant": "g1c1"}, None)

    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert (unkeyed.status_code, unkeyed.json()["error"]["code"]) == (409, "already_on_stage")


async def test_a_command_not_refused_when_repeated_is_done_once_with_its_key(
    server: Server, client: httpx.AsyncClient
) -> None:
    body = {"contestant": "g1c1", "source": "expert", "value": "88.5"}
    for _ in range(3):
        answer = await command(client, server, "/prior-scores", body, "prior-g1c1-expert")
        assert answer.status_code == 200, answer.text
    assert await recorded(client, server, "prior_score_recorded") == 1
    await command(client, server, "/prior-scores", body, None)
    assert await recorded(client, server, "prior_score_recorded") == 2  # without a key: twice


async def test_a_bad_key_is_refused_and_changes_nothing(
    server: Server, client: httpx.AsyncClient
) -> None:
    for key in ("short", "has space in it", "x" * 65):
        answer = await command(client, server, "/stage", {"contestant": "g1c1"}, key)
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            400,
            "invalid_idempotency_key",
        ), key
    assert await recorded(client, server, "contestant_called") == 0
