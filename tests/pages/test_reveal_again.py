"""A result revealed incomplete, its expert review recorded later, is revealed
again: the venue screen plays it (its count-up to the final, whoever is on
stage by then) and the phones learn the final with it, not before (rules §12)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, PHONE, Server, hurry_reveal, run_clock_until
from tests.pages.test_missing_prior import CONSOLE, score, unreviewed  # noqa: F401
from tests.pages.test_screen_reveal import open_screen

FINAL_101 = "85.30"  # 0.4 × 86.5 + 0.6 × 84.5 (90, 84.5, 77: highest and lowest dropped)


def public_101(server: Server) -> dict[str, Any]:
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    return next(r for r in board["overall"] if r["contestant"] == "101")


def test_the_screen_shows_a_result_revealed_again_once_its_review_is_recorded(
    unreviewed: Server,  # noqa: F811
    browser: Any,
) -> None:
    server = unreviewed
    screen = open_screen(server, browser, "en", clock=True)
    server.admin_post("stage", {"contestant": "101"})
    score(server, "101")
    server.admin_post("close", {"contestant": "101"})
    server.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(screen)
    final = screen.get_by_test_id("reveal-final")
    expect(final).to_be_visible(timeout=15000)  # at the end of the reveal
    expect(final).to_have_text("Awaiting a score")
    server.admin_post("stage", {"contestant": "102"})  # the show goes on
    on_stage = screen.get_by_test_id("now-name")
    run_clock_until(screen, on_stage.filter(has_text="王雨桐"))  # the final's hold
    expect(on_stage).to_have_text("王雨桐", timeout=15000)

    server.admin_post("prior-scores", {"contestant": "101", "source": "expert", "value": "86.5"})
    # nobody has announced the final yet: the public board still says what was revealed
    row = public_101(server)
    assert (row["status"], row["final"], row["rank"]) == ("incomplete", None, None)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("live", lang="en"))
    on_phone = phone.locator("#list li").filter(has_text="李思远").locator(".score")
    expect(on_phone).to_have_text("Expert review missing")

    server.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(screen)
    expect(final).to_have_attribute("data-final", FINAL_101, timeout=20000)
    expect(screen.locator('#rows .row[data-contestant="101"] .final')).to_have_text(FINAL_101)
    expect(on_phone).to_have_text(FINAL_101)
    assert public_101(server)["rank"] == 1
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    screen.screenshot(path=str(OUTPUT / "screens" / "screen-reveal-again-en.png"))
    # then the stage turns back to the contestant on it
    run_clock_until(screen, on_stage.filter(has_text="王雨桐"))  # the final's hold
    expect(on_stage).to_have_text("王雨桐", timeout=15000)


def test_the_console_offers_a_second_reveal_once_the_review_is_recorded(
    unreviewed: Server,  # noqa: F811
    browser: Any,
) -> None:
    """The run of show offered "reveal" only for a closed, unrevealed result: a result
    revealed incomplete could be revealed again only through the API. It now offers
    再次揭晓 / "Reveal again" exactly when the server would accept it."""
    server = unreviewed
    screen = open_screen(server, browser, "en", clock=True)
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="zh-CN"))
    server.admin_post("stage", {"contestant": "101"})
    score(server, "101")
    server.admin_post("close", {"contestant": "101"})
    server.admin_post("reveal", {"contestant": "101"})
    hurry_reveal(screen)
    expect(screen.get_by_test_id("reveal-final")).to_have_text("Awaiting a score", timeout=15000)
    server.admin_post("stage", {"contestant": "102"})
    row = console.locator('tr[data-contestant="101"]')
    again = row.get_by_test_id("row-reveal-again")
    expect(row).to_contain_text("缺专家评审")
    expect(again).to_have_count(0)  # still incomplete: the server would refuse it

    server.admin_post("prior-scores", {"contestant": "101", "source": "expert", "value": "86.5"})
    expect(again).to_have_text("再次揭晓")
    again.click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("李思远")
    dialog.get_by_role("button", name="再次揭晓").click()
    hurry_reveal(screen)
    expect(screen.get_by_test_id("reveal-final")).to_have_attribute(
        "data-final", FINAL_101, timeout=20000
    )
    expect(again).to_have_count(0)  # revealed whole: once is all
    assert public_101(server)["final"] == FINAL_101
