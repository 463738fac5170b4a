"""The console recuses a judge from the round under way on (docs/rules.md §4),
says so before and when it asks, and the audit page says from which round."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import Server
from tests.pages.test_audit import open_audit

CONSOLE = {"viewport": {"width": 1366, "height": 768}}


def test_the_console_recuses_from_the_round_under_way(server: Server, browser: Any) -> None:
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang="en"))
    form = page.locator("details", has=page.locator("summary", has_text="Recuse a judge"))
    form.locator("summary").click()
    expect(form).to_contain_text("A recusal holds from the round under way on")
    form.get_by_label("Judge").select_option("J8")
    form.get_by_label("Reason").fill("Leaves before the final")
    form.get_by_role("button", name="Recuse a judge").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text(
        "for every contestant from Preliminary on? Earlier rounds keep their marks."
    )
    dialog.get_by_role("button", name="Recuse a judge").click()
    expect(dialog).to_be_hidden()

    def recusals() -> list[dict[str, Any]]:
        log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
        return [
            e["data"] for e in map(json.loads, log.splitlines()) if e["type"] == "judge_recused"
        ]

    expect(page.locator(".toast.info")).to_contain_text("Done (record")  # durable by then
    assert recusals() == [{"judge": "J8", "reason": "Leaves before the final", "round": "prelim"}]

    audit = open_audit(browser, server)
    recused = audit.get_by_test_id("corrections").locator('[data-type="judge_recused"]')
    expect(recused).to_contain_text("from Preliminary on")
    expect(recused).to_contain_text("Leaves before the final")


def test_a_recusal_for_one_contestant_names_them_when_it_asks(server: Server, browser: Any) -> None:
    """A rehearsal's dialog read "让 邓美玲 自初赛起回避？" for a recusal from
    one contestant only: as if from every contestant."""
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(server.page("admin", server.admin, lang="zh-CN"))
    form = page.locator("details", has=page.locator("summary", has_text="评委回避"))
    form.locator("summary").click()
    form.get_by_label("评委").select_option("J8")
    form.get_by_label("选手").select_option("103")
    form.get_by_label("原因").fill("曾指导该选手")
    form.get_by_role("button", name="评委回避").click()
    dialog = page.get_by_test_id("confirm")
    expect(dialog).to_contain_text("自初赛起回避选手 陈浩然？此前各轮的评分不变。")
