"""A contestant without an expert review is not one the judges failed: the result
is incomplete (docs/rules.md §7). The pages said 评分不足 ("insufficient scores");
they now name what is missing, and the console asks for it before the reveals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, PHONE, Server, example_edited, start_server
from tests.pages.test_judge_final import run_the_heats

CONSOLE = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def unreviewed(tmp_path: Path) -> Iterator[Server]:
    """examples/contest.toml without the expert reviews of 李思远 (101) and 王雨桐 (102)."""

    def edit(text: str) -> str:
        for prior in ("prior = { expert = 86.5 }\n", "prior = { expert = 91 }\n"):
            assert prior in text
            text = text.replace(prior, "")
        return text

    yield from start_server(tmp_path, example_edited(tmp_path, "unreviewed.toml", edit))


def score(server: Server, contestant: str) -> None:
    for judge, mark in (("J7", "90"), ("J8", "84.5"), ("J9", "77")):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": contestant,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"prior-{contestant}-{judge}",
            },
            server.judges[judge],
        )


def test_the_console_asks_for_the_missing_reviews_and_warns_at_the_reveal(
    unreviewed: Server, browser: Any
) -> None:
    server = unreviewed
    shots = OUTPUT / "screens"
    shots.mkdir(parents=True, exist_ok=True)
    chinese = browser.new_context(**CONSOLE).new_page()
    chinese.goto(server.page("admin", server.admin, lang="zh-CN"))
    expect(chinese.get_by_test_id("priors-missing-expert")).to_have_text("2 位选手缺少专家评审成绩")
    expect(chinese.get_by_test_id("priors-list-expert")).to_have_text("李思远、王雨桐")
    chinese.screenshot(path=str(shots / "admin-priors-missing-zh-CN.png"))
    # recorded from the console, asked once
    chinese.get_by_test_id("prior-contestant").select_option("102")
    chinese.get_by_test_id("prior-value").fill("91")
    chinese.get_by_test_id("prior-record").click()
    dialog = chinese.get_by_test_id("confirm")
    expect(dialog).to_contain_text("录入 王雨桐 的专家评审成绩 91？")
    dialog.get_by_role("button", name="录入成绩").click()
    expect(chinese.get_by_test_id("priors-missing-expert")).to_have_text("1 位选手缺少专家评审成绩")
    expect(chinese.get_by_test_id("priors-list-expert")).to_have_text("李思远")
    # for the round under way: an earlier round, once final, keeps its own
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    recorded = [e for e in map(json.loads, log.splitlines()) if e["type"] == "prior_score_recorded"]
    round_ = server.call("GET", f"/api/competitions/{server.cid}/audit", token=server.admin)[
        "round"
    ]
    assert recorded[-1]["data"] == {
        "contestant": "102",
        "source": "expert",
        "value": "91",
        "round": round_,
    }

    english = browser.new_context(**CONSOLE).new_page()
    english.goto(server.page("admin", server.admin, lang="en"))
    expect(english.get_by_test_id("priors-missing-expert")).to_have_text(
        "1 contestant has no Expert review score"
    )
    server.admin_post("stage", {"contestant": "101"})
    expect(english.get_by_test_id("stage-prior-missing")).to_have_text(
        "No Expert review score is recorded: record it before the reveal, "
        "or the result is incomplete and unranked."
    )
    score(server, "101")
    server.admin_post("close", {"contestant": "101"})
    expect(english.get_by_test_id("stage-withheld")).to_have_text("Final: Expert review missing")
    english.get_by_test_id("reveal").click()
    dialog = english.get_by_test_id("confirm")
    expect(dialog.get_by_test_id("incomplete-warning")).to_have_text(
        "The result is incomplete: the Expert review score is missing. Revealed now, it has "
        "no final and is not ranked; record the score first to reveal it whole."
    )
    expect(dialog.get_by_test_id("withhold-warning")).to_have_count(0)  # three marks count
    english.screenshot(path=str(shots / "admin-reveal-incomplete-en.png"))
    english.keyboard.press("Escape")

    expect(chinese.get_by_test_id("stage-prior-missing")).to_have_text(
        "缺专家评审成绩：请在揭晓前录入，否则成绩不完整、不计排名。"
    )
    chinese.get_by_test_id("reveal").click()
    dialog = chinese.get_by_test_id("confirm")
    expect(dialog.get_by_test_id("incomplete-warning")).to_have_text(
        "成绩不完整：缺专家评审成绩。现在揭晓则没有最终得分、不计排名；可先录入该成绩再揭晓。"
    )
    chinese.screenshot(path=str(shots / "admin-reveal-incomplete-zh-CN.png"))
    dialog.get_by_role("button", name="揭晓成绩").click()
    expect(chinese.get_by_test_id("stage-state")).to_have_text("已揭晓")
    final = chinese.locator('tr[data-contestant="101"] td.num').nth(1)
    expect(final).to_have_text("缺专家评审")
    expect(chinese.get_by_test_id("stage-prior-missing")).to_have_count(0)  # revealed: too late


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [("zh-CN", "缺专家评审", "评分不足"), ("en", "Expert review missing", "Incomplete")],
)
def test_the_audience_sees_which_score_is_missing(
    unreviewed: Server, browser: Any, lang: str, said: str, not_said: str
) -> None:
    server = unreviewed
    server.admin_post("stage", {"contestant": "101"})
    score(server, "101")
    server.admin_post("close", {"contestant": "101"})
    server.admin_post("reveal", {"contestant": "101"})
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert next(r for r in board["overall"] if r["contestant"] == "101")["status"] == "incomplete"

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("live", lang=lang))
    row = phone.locator("#list li").filter(has_text="李思远")
    expect(row.locator(".score")).to_have_text(said)
    expect(phone.locator("#list")).not_to_contain_text(not_said)
    phone.screenshot(path=str(OUTPUT / "screens" / f"live-incomplete-{lang}.png"))


@pytest.mark.parametrize(
    ("lang", "carried", "status", "replaces", "own"),
    [
        (
            "zh-CN",
            "{n} 位选手沿用初赛的专家评审成绩；如决赛有自己的评审，请为每位选手录入",
            "{name} 沿用初赛的专家评审成绩 {value}；在此录入的成绩自决赛起计入。",
            "{name} 目前沿用初赛的专家评审成绩 {value}；录入后决赛起改用新成绩，初赛的成绩不变。",
            "{name} 已有决赛的专家评审成绩 93.5。",
        ),
        (
            "en",
            "{n} contestants carry their Expert review score from the round “Preliminary”: "
            "if the round “Final” has a review of its own, record each one's",
            "{name} carries the Expert review score {value} from the round “Preliminary”; "
            "one recorded here counts from the round “Final” on.",
            "{name} carries the Expert review score {value} from the round “Preliminary”: from "
            "the round “Final” on, the new one counts instead; the round “Preliminary” keeps "
            "its own.",
            "{name} already has the Expert review score of the round “Final”: 93.5.",
        ),
    ],
)
def test_the_final_s_own_review_is_recorded_for_finalists_carrying_the_heats(
    server: Server, browser: Any, lang: str, carried: str, status: str, replaces: str, own: str
) -> None:
    """The rehearsal's final had an expert review of its own, but the console's form
    listed only contestants with no score, and every finalist carried the heats':
    the final's were given by API. In a round whose members carry an earlier
    round's score the form lists every member, saying who carries one and who has
    this round's, and records for this round."""
    run_the_heats(server)
    server.admin_post(
        "advance",
        {"from_round": "prelim", "to_round": "final", "name": {"zh-CN": "决赛", "en": "Final"}},
    )
    api = f"/api/competitions/{server.cid}"
    finalists = next(
        r for r in server.call("GET", f"{api}/setup")["rounds"] if r["round"] == "final"
    )["members"]
    (expert,) = server.call("GET", f"{api}/audit", token=server.admin)["priors"]
    first = expert["contestants"][0]
    name = next(
        c["name"]
        for c in server.call("GET", f"{api}/setup")["contestants"]
        if c["contestant"] == first["contestant"]
    )
    said = {"name": name, "value": first["value"], "n": len(finalists)}

    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang=lang))
    expect(page.get_by_test_id("priors-carried-expert")).to_have_text(carried.format(**said))
    expect(page.get_by_test_id("priors-missing-expert")).to_have_count(0)
    options = page.get_by_test_id("prior-contestant").locator("option")
    expect(options).to_have_count(len(finalists))
    page.get_by_test_id("prior-contestant").select_option(first["contestant"])
    expect(page.get_by_test_id("prior-status")).to_have_text(status.format(**said))
    page.get_by_test_id("prior-value").fill("93.5")
    page.get_by_test_id("prior-record").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text(replaces.format(**said))
    dialog.locator('button[value="yes"]').click()

    expect(page.get_by_test_id("priors-carried-expert")).to_have_text(
        carried.format(**(said | {"n": len(finalists) - 1}))
    )
    page.get_by_test_id("prior-contestant").select_option(first["contestant"])
    expect(page.get_by_test_id("prior-status")).to_have_text(own.format(**said))
    log = server.text(f"{api}/log", server.auditor)
    recorded = [e for e in map(json.loads, log.splitlines()) if e["type"] == "prior_score_recorded"]
    assert recorded[-1]["data"] == {
        "contestant": first["contestant"],
        "source": "expert",
        "value": "93.5",
        "round": "final",
    }
    page.screenshot(path=str(OUTPUT / "screens" / f"admin-final-priors-{lang}.png"))


@pytest.mark.parametrize(
    ("lang", "said", "ask"),
    [
        ("zh-CN", "12 位选手的专家评审成绩均已录入", "录入 王雨桐 的专家评审成绩 92.5？"),
        ("en", "All 12 contestants have their Expert review score", "Record 92.5"),
    ],
)
def test_a_review_is_corrected_from_the_console_once_every_one_is_recorded(
    unreviewed: Server, browser: Any, lang: str, said: str, ask: str
) -> None:
    """The card went once nobody lacked a score: a mistyped review (or a wrong
    one in the file) could then be corrected only through the API."""
    server = unreviewed
    for contestant, value in (("101", "88"), ("102", "91")):
        server.admin_post(
            "prior-scores", {"contestant": contestant, "source": "expert", "value": value}
        )
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang=lang))
    folded = page.get_by_test_id("priors-folded")
    folded.locator("summary").click()
    expect(page.get_by_test_id("priors-complete-expert")).to_contain_text(said)
    page.get_by_test_id("prior-contestant").select_option("102")
    page.get_by_test_id("prior-value").fill("92.5")
    page.get_by_test_id("prior-record").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text(ask)
    dialog.locator("button").last.click()
    chosen = page.get_by_test_id("prior-contestant").locator('option[value="102"]')
    expect(chosen).to_contain_text("92.5")  # the console's own audit view has it
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    recorded = [e for e in map(json.loads, log.splitlines()) if e["type"] == "prior_score_recorded"]
    assert recorded[-1]["data"]["contestant"] == "102" and recorded[-1]["data"]["value"] == "92.5"
