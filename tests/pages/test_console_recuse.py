"""The console recuses a judge from the round under way on (docs/rules.md §4),
says so before and when it asks, and the audit page says from which round. For
everyone it keeps the marks the judge has given (a judge who has left) unless
told not to: recusing a judge who fell ill struck the marks already given, and
results already revealed changed."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.pages.conftest import Server
from tests.pages.test_audit import open_audit

CONSOLE = {"viewport": {"width": 1366, "height": 768}}
SHEET = {"content": "85", "delivery": "90", "presence": "77.5"}


def recuse_form(server: Server, browser: Any, lang: str) -> tuple[Page, Locator]:
    """The console in ``lang``, its recusal form open."""
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang=lang))
    summary = "Recuse a judge" if lang == "en" else "评委回避"
    form = page.locator("details", has=page.locator("summary", has_text=summary))
    form.locator("summary").click()
    return page, form


def test_the_console_recuses_from_the_round_under_way(server: Server, browser: Any) -> None:
    page, form = recuse_form(server, browser, "en")
    expect(form).to_contain_text("A recusal holds from the round under way on")
    form.get_by_test_id("recuse-judge").select_option("J8")
    form.get_by_label("Reason").fill("Leaves before the final")
    form.get_by_role("button", name="Recuse a judge").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text("leaves: every mark already given stands")
    dialog.get_by_role("button", name="Recuse a judge").click()
    expect(dialog).to_be_hidden()

    expect(page.locator(".toast.info")).to_contain_text("Done (record")  # durable by then
    assert recusals(server) == [
        {"judge": "J8", "reason": "Leaves before the final", "round": "prelim"}
    ]

    audit = open_audit(browser, server)
    recused = audit.get_by_test_id("corrections").locator('[data-type="judge_recused"]')
    expect(recused).to_contain_text("from Preliminary on")
    expect(recused).to_contain_text("Leaves before the final")


def test_a_recusal_for_one_contestant_names_them_when_it_asks(server: Server, browser: Any) -> None:
    """A rehearsal's dialog read "让 邓美玲 自初赛起回避？" for a recusal from
    one contestant only: as if from every contestant."""
    page, form = recuse_form(server, browser, "zh-CN")
    form.get_by_test_id("recuse-judge").select_option("J8")
    form.get_by_label("选手").select_option("103")
    form.get_by_label("原因").fill("曾指导该选手")
    form.get_by_role("button", name="评委回避").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text("自初赛起回避选手 陈浩然？其在初赛给该选手的评分一并作废")
    expect(form.get_by_test_id("recuse-keep")).not_to_be_checked()


def recusals(server: Server) -> list[dict[str, Any]]:
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    return [e["data"] for e in map(json.loads, log.splitlines()) if e["type"] == "judge_recused"]


def test_a_judge_who_leaves_keeps_the_marks_given(server: Server, browser: Any) -> None:
    server.admin_post("stage", {"contestant": "101"})
    sheet = {"contestant": "101", "submission_id": "left-J8-101", "points": SHEET}
    server.call("POST", f"/api/competitions/{server.cid}/scores", sheet, server.judges["J8"])
    page, form = recuse_form(server, browser, "en")
    form.get_by_test_id("recuse-judge").select_option("J8")
    form.get_by_label("Reason").fill("Taken ill")
    expect(form.get_by_test_id("recuse-keep")).to_be_checked()
    form.get_by_role("button", name="Recuse a judge").click()
    page.get_by_test_id("confirm").get_by_role("button", name="Recuse a judge").click()
    expect(page.locator(".toast.info")).to_contain_text("Done (record")

    made = recusals(server)
    # in the round under way, each contestant J8 would score and has not; everyone after
    assert made == [
        {"judge": "J8", "reason": "Taken ill", "contestant": c, "round": "prelim"}
        for c in ("102", "103", "104")
    ] + [{"judge": "J8", "reason": "Taken ill", "round": "final"}]
    audit = server.call("GET", f"/api/competitions/{server.cid}/audit", None, server.auditor)
    j8 = next(j for j in audit["judges"] if j["judge"] == "J8")
    (given,) = [s for s in j8["sheets"] if s["contestant"] == "101"]
    assert given["reason"] != "recused"


def test_unticked_the_marks_given_are_struck_and_the_console_says_so(
    server: Server, browser: Any
) -> None:
    page, form = recuse_form(server, browser, "en")
    form.get_by_test_id("recuse-judge").select_option("J8")
    form.get_by_label("Reason").fill("Coached two finalists")
    form.get_by_test_id("recuse-keep").uncheck()
    form.get_by_label("Contestant").select_option("103")  # and back: the choice made stays
    form.get_by_label("Contestant").select_option("")
    expect(form.get_by_test_id("recuse-keep")).not_to_be_checked()
    form.get_by_role("button", name="Recuse a judge").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text(
        "for every contestant from Preliminary on? The marks they gave in Preliminary are struck"
    )
    dialog.get_by_role("button", name="Recuse a judge").click()
    expect(page.locator(".toast.info")).to_contain_text("Done (record")
    assert recusals(server) == [
        {"judge": "J8", "reason": "Coached two finalists", "round": "prelim"}
    ]


def test_a_substitute_added_from_the_console_gets_a_link_and_scores(
    server: Server, browser: Any
) -> None:
    """A show-day review found no way to add a judge once the show had begun: the
    substitute scored on the ill judge's link, under that judge's name."""
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang="zh-CN"))
    form = page.get_by_test_id("add-judge")
    form.locator("summary").click()
    form.get_by_test_id("new-judge-id").fill("J10")
    form.get_by_test_id("new-judge-name").fill("替补评委")
    form.get_by_test_id("new-judge-organisation").fill("市文化馆")
    form.get_by_test_id("new-judge-panel").select_option("C")
    form.get_by_test_id("add-judge-button").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text("增补评委 替补评委，加入评委组 C？")
    dialog.get_by_role("button", name="增补评委").click()
    expect(page.locator(".toast.info")).to_contain_text("记录")
    row = page.locator('#judges tr[data-judge="J10"]')
    expect(row).to_contain_text("替补评委")
    row.get_by_role("button", name="重新生成链接").click()
    page.get_by_test_id("confirm").get_by_role("button", name="重新生成链接").click()
    link = row.locator(".link")
    expect(link).to_contain_text("#token=")
    token = link.inner_text().rsplit("#token=", 1)[1]

    server.admin_post("stage", {"contestant": "101"})
    progress = server.call("GET", f"/api/competitions/{server.cid}/progress")
    assert "J10" in [j["judge"] for j in progress["on_stage"]["expected"]]
    sheet = {"contestant": "101", "submission_id": "sub-J10-101", "points": SHEET}
    receipt = server.call("POST", f"/api/competitions/{server.cid}/scores", sheet, token)
    assert receipt["events"] == ["score_submitted"]
