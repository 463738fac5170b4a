"""A competition created from the organiser's page: the file uploaded, checked, created."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from events.credentials import open_credentials
from events.store import open_store
from server.setup_api import issue_setup_token
from tests.definition.test_awards_rest import contest
from tests.server.conftest import ROOT, start_server, stop_server

CONTEST = (ROOT / "examples" / "contest.toml").read_text()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    db = tmp_path / "leitai.db"
    await (await open_store(str(db))).close()
    credentials = await open_credentials(str(db))
    token = await issue_setup_token(credentials)
    await credentials.close()
    process, url = start_server(db)
    try:
        yield url, token
    finally:
        stop_server(process)


async def test_check_then_create_then_refuse_a_second(served: tuple[str, str]) -> None:
    url, token = served
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        check = (
            await client.post(f"{url}/api/competitions/check", content=CONTEST, headers=auth)
        ).json()
        assert check["ok"] is True and check["contestants"] == 12 and check["judges"] == 9
        wrong = CONTEST.replace('panel = "A"', 'panel = "Z"', 1)
        mistake = (
            await client.post(f"{url}/api/competitions/check", content=wrong, headers=auth)
        ).json()
        assert (
            mistake["ok"] is False
            and mistake["where"].startswith("judges[")
            and "Z" in mistake["problem"]
        )
        created = await client.post(f"{url}/api/competitions", content=CONTEST, headers=auth)
        assert created.status_code == 200, created.text
        links = created.json()
        assert links["admin"].startswith(f"{url}/admin/{links['stream']}#token=")
        assert len(links["judges"]) == 9
        board = await client.get(f"{url}/api/competitions/{links['stream']}/setup")
        assert len(board.json()["contestants"]) == 12
        again = await client.post(f"{url}/api/competitions", content=CONTEST, headers=auth)
        assert again.status_code == 409 and again.json()["error"]["code"] == "competition_exists"
        again_check = (
            await client.post(f"{url}/api/competitions/check", content=CONTEST, headers=auth)
        ).json()
        assert again_check["ok"] is False and again_check["where"] == "id"


async def test_only_the_setup_token_may_upload(served: tuple[str, str]) -> None:
    url, token = served
    async with httpx.AsyncClient(timeout=30) as client:
        created = (
            await client.post(
                f"{url}/api/competitions",
                content=CONTEST,
                headers={"Authorization": f"Bearer {token}"},
            )
        ).json()
        admin = created["admin"].split("#token=")[1]
        for headers, status in (({}, 401), ({"Authorization": f"Bearer {admin}"}, 401)):
            answer = await client.post(
                f"{url}/api/competitions/check", content=CONTEST, headers=headers
            )
            assert answer.status_code == status, answer.text


async def test_a_mistake_is_said_in_the_language_asked_for(served: tuple[str, str]) -> None:
    url, token = served
    auth = {"Authorization": f"Bearer {token}"}
    wrong = CONTEST.replace("weight = 0.6", "weight = -5", 1)
    async with httpx.AsyncClient(timeout=30) as client:
        answers = {
            lang: await client.post(
                f"{url}/api/competitions/check",
                content=wrong,
                headers={**auth, "Accept-Language": lang},
            )
            for lang in ("zh-CN", "en")
        }
        assert answers["zh-CN"].json() == {
            "ok": False,
            "stream": None,
            "contestants": 0,
            "judges": 0,
            "events": 0,
            "where": "rules.composite[1].weight",
            "problem": "应为大于 0 的数，实际为 -5",
        }
        assert answers["en"].json()["problem"] == "expected a number more than 0, found -5"
        refused = await client.post(
            f"{url}/api/competitions", content=wrong, headers={**auth, "Accept-Language": "zh-CN"}
        )
        assert refused.status_code == 422
        assert refused.json() == {
            "error": {
                "code": "invalid_definition",
                "message": "赛事文件：rules.composite[1].weight：应为大于 0 的数，实际为 -5",
            }
        }
        english = await client.post(f"{url}/api/competitions", content=wrong, headers=auth)
        assert english.json()["error"]["message"] == (
            "Competition file: rules.composite[1].weight: expected a number more than 0, found -5"
        )


async def test_an_award_for_everyone_left_is_checked_and_created(
    served: tuple[str, str],
) -> None:
    """The console's upload takes "17 % / 78 % / the rest" as the rules define it."""
    url, token = served
    text = contest(6)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        check = (
            await client.post(f"{url}/api/competitions/check", content=text, headers=auth)
        ).json()
        assert check == {
            "ok": True,
            "stream": "rest",
            "contestants": 6,
            "judges": 1,
            "events": check["events"],
            "where": None,
            "problem": None,
        }
        created = await client.post(f"{url}/api/competitions", content=text, headers=auth)
        assert created.status_code == 200, created.text
