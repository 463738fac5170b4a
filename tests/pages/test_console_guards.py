"""The console warns before an action whose outcome the organiser may not expect:
closing (or revealing) a result that is withheld below the quorum."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, Server

CONSOLE = {"viewport": {"width": 1440, "height": 1000}}


def score(server: Server, judge: str, contestant: str, mark: str | None) -> None:
    """``judge``'s sheet for ``contestant``: every criterion ``mark``, or (None) an abstention."""
    sheet: dict[str, Any] = {
        "contestant": contestant,
        "submission_id": f"guard-{contestant}-{judge}",
    }
    if mark is None:
        sheet["abstain"] = True
    else:
        sheet["points"] = {"content": mark, "delivery": mark, "presence": mark}
    server.call("POST", f"/api/competitions/{server.cid}/scores", sheet, server.judges[judge])


def test_closing_below_the_quorum_says_the_result_will_be_withheld(
    server: Server, browser: Any
) -> None:
    """Every judge has answered, so closing used to ask nothing; but one abstained,
    and two marks are fewer than the quorum of 3 (examples/contest.toml)."""
    server.admin_post("stage", {"contestant": "101"})
    score(server, "J7", "101", None)
    score(server, "J8", "101", "80")
    score(server, "J9", "101", "85")

    english = browser.new_context(**CONSOLE).new_page()
    english.goto(server.page("admin", server.admin, lang="en"))
    expect(english.locator("#stage")).to_contain_text("3 of 3 judges have scored · 1 abstained")
    english.get_by_test_id("close").click()
    dialog = english.get_by_test_id("confirm")
    expect(dialog.get_by_test_id("withhold-warning")).to_have_text(
        "Only 2 judges' scores count, fewer than the quorum of 3: the result will be withheld."
    )
    expect(dialog).to_contain_text("Close scoring anyway?")
    english.screenshot(path=str(OUTPUT / "screens" / "admin-close-withheld-en.png"))
    english.keyboard.press("Escape")  # cancelled: nothing closes
    expect(dialog).to_have_count(0)
    expect(english.get_by_test_id("stage-state")).to_have_text("Scoring")
    english.context.close()

    chinese = browser.new_context(**CONSOLE).new_page()
    chinese.goto(server.page("admin", server.admin, lang="zh-CN"))
    expect(chinese.get_by_test_id("stage-state")).to_have_text("评分中")
    chinese.get_by_test_id("close").click()
    dialog = chinese.get_by_test_id("confirm")
    expect(dialog.get_by_test_id("withhold-warning")).to_have_text(
        "仅 2 位评委有效评分，少于法定人数 3，结果将暂缓公布。"
    )
    expect(dialog).to_contain_text("仍要结束评分？")
    chinese.screenshot(path=str(OUTPUT / "screens" / "admin-close-withheld-zh-CN.png"))
    dialog.get_by_role("button", name="结束评分").click()
    expect(chinese.get_by_test_id("stage-state")).to_have_text("评分结束")
    expect(chinese.get_by_test_id("stage-withheld")).to_contain_text("暂缓")

    chinese.get_by_test_id("reveal").click()
    expect(dialog.get_by_test_id("withhold-warning")).to_have_text(
        "仅 2 位评委有效评分，少于法定人数 3：结果暂缓公布，大屏将显示“暂缓”。"
    )
    expect(dialog).to_contain_text("揭晓 李思远 的成绩？")
    dialog.get_by_role("button", name="揭晓").click()
    expect(chinese.get_by_test_id("stage-state")).to_have_text("已揭晓")
