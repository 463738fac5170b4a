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
            "stand_asides": [],
            "missing_priors": [],
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
            "stand_asides": [],
            "missing_priors": [],
        }
        created = await client.post(f"{url}/api/competitions", content=text, headers=auth)
        assert created.status_code == 200, created.text


def with_stand_asides_and_missing_priors(text: str) -> str:
    """The example with a fourth judge on panel A, J10, of the organisation of
    contestant 201 (whose group the panel scores), and contestants 101 and 102
    without their expert review."""
    for prior in ("prior = { expert = 86.5 }\n", "prior = { expert = 91 }\n"):
        text = text.replace(prior, "", 1)
    return text + (
        '\n[[judges]]\nid = "J10"\nname = "钱志远"\n'
        'organisation = "江城轨道交通集团"\npanel = "A"\n'
    )


async def test_the_check_lists_stand_asides_and_missing_priors(
    served: tuple[str, str],
) -> None:
    """What ``leitai check`` prints for a look before the show, the console's
    check answers too: it is no mistake, the file is sound."""
    url, token = served
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        sound = (
            await client.post(f"{url}/api/competitions/check", content=CONTEST, headers=auth)
        ).json()
        assert sound["stand_asides"] == [] and sound["missing_priors"] == []
        schemas = (await client.get(f"{url}/api/openapi.json")).json()["components"]["schemas"]
        assert {"stand_asides", "missing_priors"} <= set(schemas["DefinitionCheck"]["properties"])
        check = (
            await client.post(
                f"{url}/api/competitions/check",
                content=with_stand_asides_and_missing_priors(CONTEST),
                headers=auth,
            )
        ).json()
    assert check["ok"] is True
    assert check["stand_asides"] == [
        {
            "judge": "J10",
            "judge_name": "钱志远",
            "contestant": "201",
            "contestant_name": "刘子涵",
            "organisation": "江城轨道交通集团",
        }
    ]
    assert check["missing_priors"] == [
        {
            "source": "expert",
            "label": {"zh-CN": "专家评审", "en": "Expert review"},
            "contestants": [
                {"contestant": "101", "name": "李思远"},
                {"contestant": "102", "name": "王雨桐"},
            ],
        }
    ]


async def test_an_upload_naming_a_roster_file_says_what_to_do(served: tuple[str, str]) -> None:
    """The example that takes its people from spreadsheets, uploaded: "cannot read:
    No such file or directory", as if the file were missing on the organiser's side.
    An upload brings no other files; the answer says so, and what to do instead."""
    url, token = served
    auth = {"Authorization": f"Bearer {token}"}
    text = (ROOT / "examples" / "contest-csv.toml").read_text()
    async with httpx.AsyncClient(timeout=30) as client:
        answers = {
            lang: (
                await client.post(
                    f"{url}/api/competitions/check",
                    content=text,
                    headers={**auth, "Accept-Language": lang},
                )
            ).json()
            for lang in ("zh-CN", "en")
        }
    assert answers["en"]["ok"] is False and answers["en"]["where"] == "contestants.file"
    assert answers["en"]["problem"] == (
        "an uploaded file brings no other files, so it cannot take its contestants from"
        ' "contestants.csv": write them in the file itself ([[contestants]]), or create the'
        " competition with `leitai init` where that file lies"
    )
    assert answers["zh-CN"]["problem"].startswith(
        "上传的文件不能附带其他文件，无法从“contestants.csv”读取选手："
    )


async def test_an_upload_not_in_utf_8_is_refused_saying_how_to_save_it(
    served: tuple[str, str],
) -> None:
    url, token = served
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(
            f"{url}/api/competitions/check", content=CONTEST.encode("gbk"), headers=headers
        )
    assert answer.status_code == 422
    message = answer.json()["error"]["message"]
    assert message.startswith("不是 UTF-8 文本（第 ") and "另存为 UTF-8 编码" in message
