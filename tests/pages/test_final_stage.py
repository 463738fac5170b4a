"""Advancing to the final leaves the stage empty: the rehearsal's last heats
contestant, gone through, stayed "on stage" on the screen and the console while
the final had not begun."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import SCREEN, Server
from tests.pages.test_judge_final import run_the_heats

CONSOLE = {"viewport": {"width": 1366, "height": 768}}


def test_the_screen_and_the_console_show_nobody_on_stage_once_the_final_opens(
    server: Server, browser: Any
) -> None:
    run_the_heats(server)
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    last = setup["contestants"][-1]
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    expect(console.locator("#stage .big-name")).to_have_text(last["name"])
    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="en"))
    expect(screen.locator("#round")).to_have_text("Preliminary")

    console.locator("#tools summary").filter(has_text="Advance to the next round").click()
    console.locator("#tools button.danger").filter(has_text="Advance to the next round").click()
    dialog = console.get_by_test_id("confirm")
    dialog.get_by_role("button", name="Advance to the next round").click()

    expect(console.locator("#stage")).to_contain_text("Nobody is on stage")
    # the final has nowhere to go: the form is there (forms keep their places), hidden
    expect(console.get_by_test_id("advance")).to_have_count(1)
    expect(
        console.locator("#tools summary").filter(has_text="Advance to the next round")
    ).to_be_hidden()
    expect(console.locator("#stage .big-name")).to_have_count(0)
    expect(screen.locator("#round")).to_have_text("Final")
    # the screen opened on the heats' last result, which stays up its while (FINAL_HOLD_MS)
    expect(screen.locator("#now-body")).to_have_text(
        "The next contestant will be on shortly", timeout=30_000
    )
    expect(screen.get_by_test_id("now-name")).to_have_count(0)
    progress = server.call("GET", f"/api/competitions/{server.cid}/progress")
    assert progress["round"] == "final" and progress["on_stage"] is None
    # the final's first is called from an empty stage, on both
    first = next(
        r
        for r in server.call("GET", f"/api/competitions/{server.cid}/setup")["rounds"]
        if r["round"] == "final"
    )["members"][0]
    name = next(c["name"] for c in setup["contestants"] if c["contestant"] == first)
    expect(console.get_by_test_id("call-next")).to_have_text(f"Call next: {name}")
    console.get_by_test_id("call-next").click()
    expect(console.locator("#stage .big-name")).to_have_text(name)
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    expect(screen.get_by_test_id("now-name")).to_have_text(name)


def test_the_last_result_of_the_heats_leaves_the_screen_when_the_final_opens(
    server: Server, browser: Any
) -> None:
    """The rehearsal's screen kept the last heats result (a contestant who did
    not go through) on the stage under the final's heading until the final's
    first was called: a reveal left the stage only for someone else on it."""
    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="zh-CN"))
    # before the first call: nothing is to "continue" yet (the old text said so)
    expect(screen.locator("#now-body")).to_have_text("请稍候，下一位选手即将上场")
    screen.goto(server.page("screen", lang="en"))
    run_the_heats(server)
    last = server.call("GET", f"/api/competitions/{server.cid}/setup")["contestants"][-1]
    expect(screen.locator("#now-body")).to_have_attribute(
        "data-reveal", last["contestant"], timeout=30_000
    )
    server.admin_post(
        "advance",
        {"from_round": "prelim", "to_round": "final", "name": {"zh-CN": "决赛", "en": "Final"}},
    )
    expect(screen.locator("#round")).to_have_text("Final")
    # once its final has been up its while (FINAL_HOLD_MS, after the count-up)
    expect(screen.locator("#now-body")).to_have_text(
        "The next contestant will be on shortly", timeout=30_000
    )
