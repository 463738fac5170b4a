"""The console warns before an action whose outcome the organiser may not expect:
closing (or revealing) a result that is withheld below the quorum, and publishing
the awards while contestants are unfinished, which the server refuses."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, Server

CONSOLE = {"viewport": {"width": 1440, "height": 1000}}
PANEL_JUDGES = {"1": ("J7", "J8", "J9"), "2": ("J1", "J2", "J3"), "3": ("J4", "J5", "J6")}
"""examples/contest.toml: the judges who count for contestants 1xx, 2xx and 3xx."""


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


def finish(server: Server, contestant: str) -> None:
    """Call ``contestant``, have their three judges score, close scoring."""
    server.admin_post("stage", {"contestant": contestant})
    for k, judge in enumerate(PANEL_JUDGES[contestant[0]]):
        score(server, judge, contestant, str(70 + (int(contestant) + k * 3) % 25))
    server.admin_post("close", {"contestant": contestant})


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


def test_publish_the_awards_waits_for_the_last_contestant(server: Server, browser: Any) -> None:
    """The server refuses the awards while a contestant is not closed; the console
    says so on the button, and follows closes made elsewhere (here, the API)."""
    for contestant in ("101", "102", "103", "104", "201", "202", "203", "204", "301", "302"):
        finish(server, contestant)
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    form = console.get_by_test_id("awards-form")
    form.locator("summary").click()
    publish = console.get_by_test_id("publish-awards")
    expect(publish).to_be_disabled()
    expect(console.get_by_test_id("awards-unfinished")).to_have_text(
        "2 contestants have not finished scoring"
    )
    expect(publish).to_have_attribute("title", "2 contestants have not finished scoring")
    # what is typed in another form is not lost when the awards' form is drawn again
    console.get_by_test_id("paper-form").locator("summary").click()
    console.get_by_test_id("paper-content").fill("55")

    server.admin_post("stage", {"contestant": "303"})
    for judge in PANEL_JUDGES["3"]:
        score(server, judge, "303", "75")
    expect(console.get_by_test_id("awards-unfinished")).to_have_text(
        "2 contestants have not finished scoring"
    )  # a score finishes nobody
    server.admin_post("close", {"contestant": "303"})
    expect(console.get_by_test_id("awards-unfinished")).to_have_text(
        "1 contestant has not finished scoring"
    )
    expect(publish).to_be_disabled()
    expect(form).to_have_attribute("open", "")
    expect(console.get_by_test_id("paper-content")).to_have_value("55")
    console.get_by_test_id("lang").click()
    # drawn again in Chinese, as the organiser left it: open, the paper sheet's mark kept
    expect(form).to_have_attribute("open", "")
    expect(console.get_by_test_id("paper-content")).to_have_value("55")
    expect(console.get_by_test_id("awards-unfinished")).to_have_text("尚有 1 位选手未完成评分")
    console.screenshot(path=str(OUTPUT / "screens" / "admin-awards-unfinished-zh-CN.png"))

    finish(server, "304")
    expect(console.get_by_test_id("awards-unfinished")).to_have_count(0)
    expect(publish).to_be_enabled()
    publish.click()
    dialog = console.get_by_test_id("confirm")
    dialog.get_by_role("button", name="公布获奖名单").click()
    expect(form).to_contain_text("本轮奖项已公布")
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert board["awards_published"]
    # once final, the run of show offers no withdrawal: the server refuses it
    withdraw = console.locator('#show tr[data-contestant="101"] button.danger')
    expect(withdraw).to_be_enabled()
    server.admin_post("finalise", {"round": board["round"]})
    expect(withdraw).to_be_disabled()


def test_closing_by_itself_holds_back_a_result_that_would_be_withheld(
    server: Server, browser: Any
) -> None:
    """ "Close by itself once every judge has scored" closed a result that one
    abstention left below the quorum, withholding it with no one asked. It now
    leaves scoring open and says why; the organiser closes, or waits for a sheet."""
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    server.admin_post("stage", {"contestant": "101"})
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    console.locator("#stage input[type=checkbox]").check()
    score(server, "J7", "101", None)
    score(server, "J8", "101", "80")
    score(server, "J9", "101", "85")
    held = console.get_by_test_id("auto-close-held")
    expect(held).to_contain_text(
        "Only 2 judges' scores count, fewer than the quorum of 3: the result will be withheld."
    )
    expect(held).to_contain_text("So scoring was not closed by itself")
    console.wait_for_timeout(500)  # room for a close the page must not send
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")

    # the next contestant's three marks count: closed by itself as before
    server.admin_post("stage", {"contestant": "102"})
    for k, judge in enumerate(PANEL_JUDGES["1"]):
        score(server, judge, "102", str(80 + k))
    expect(console.get_by_test_id("stage-state")).to_have_text("Closed")
    expect(held).to_have_count(0)


def test_the_stage_card_names_whom_scoring_is_still_open_for(server: Server, browser: Any) -> None:
    """Called away from with a judge still to score, a contestant's scoring
    stays open: at full size they were only in the run of show, thousands of
    pixels down, and the awards were refused until someone found them."""
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="zh-CN"))
    server.admin_post("stage", {"contestant": "101"})
    score(server, "J7", "101", "80")
    expect(console.get_by_test_id("open-elsewhere")).to_have_count(0)
    server.admin_post("stage", {"contestant": "201"})
    expect(console.get_by_test_id("open-elsewhere")).to_have_text(
        "以下选手的评分仍未结束：李思远 (1/3)。请在出场顺序表中结束评分，否则无法公布奖项。"
    )
    console.goto(server.page("admin", server.admin, lang="en"))
    expect(console.get_by_test_id("open-elsewhere")).to_have_text(
        "Scoring is still open for 李思远 (1/3): close it in the run of show, "
        "or the awards cannot be published."
    )
    server.admin_post("close", {"contestant": "101"})
    expect(console.get_by_test_id("open-elsewhere")).to_have_count(0)
