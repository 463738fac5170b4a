"""A judge scores on a phone; the venue screen follows; the outbox survives network loss."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, PHONE, SCREEN, Server, hurry_reveal
from tests.pages.test_paper_sheet import second_admin

CONTESTANT = "101"  # agency: scored by panel C (J7, J8, J9)


def score_on_phone(page: Page, marks: dict[str, str]) -> None:
    for key, value in marks.items():
        page.get_by_test_id(f"mark-{key}").fill(value)
    page.get_by_test_id("review").click()
    page.get_by_test_id("send").click()


def public_row(server: Server, contestant: str) -> tuple[dict[str, Any], dict[str, Any]]:
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    overall = next(r for r in board["overall"] if r["contestant"] == contestant)
    group = next(r for g in board["groups"] for r in g["rows"] if r["contestant"] == contestant)
    return overall, group


def test_judge_scores_and_the_screen_follows(server: Server, browser: Any) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    screen = browser.new_context(**SCREEN).new_page()
    screen.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    screen.goto(server.page("screen", lang="en"))
    expect(screen.get_by_test_id("now-name")).to_have_text("李思远")
    expect(screen.locator(".dot")).to_have_count(3)

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    expect(phone.get_by_test_id("state")).to_have_text("Scoring is open")
    phone.get_by_test_id("mark-content").fill("101")
    expect(phone.get_by_role("alert")).to_have_text("No more than 100")
    phone.get_by_test_id("mark-content").fill("9.55")
    expect(phone.get_by_role("alert")).to_have_text("At most 1 decimal place")
    score_on_phone(phone, {"content": "92.5", "delivery": "88", "presence": "90"})
    expect(screen.locator('.dot[data-judge="J7"].on')).to_be_visible(timeout=1000)
    expect(phone.get_by_test_id("receipt")).to_contain_text("record")
    expect(phone.get_by_test_id("scored-item")).to_have_count(1)

    for judge, mark in (("J8", "85"), ("J9", "95")):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": CONTESTANT,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"api-{judge}-0001",
            },
            server.judges[judge],
        )
    expect(screen.locator(".dot.on")).to_have_count(3)
    server.admin_post("close", {"contestant": CONTESTANT})
    expect(phone.get_by_test_id("state")).to_have_text(
        "Scoring is closed: no more sheets or corrections"
    )
    server.admin_post("reveal", {"contestant": CONTESTANT})
    overall, group = public_row(server, CONTESTANT)
    hurry_reveal(screen)
    final = screen.get_by_test_id("reveal-final")
    expect(final).to_have_attribute("data-final", overall["final"], timeout=10000)
    expect(final).to_have_text(overall["final"])
    expect(screen.get_by_test_id("reveal-rank")).to_contain_text(f"rank {group['rank']}")
    expect(screen.get_by_test_id("reveal-rank")).to_contain_text(f"Overall rank {overall['rank']}")
    screen.screenshot(path=str(OUTPUT / "screens" / "screen-reveal-en.png"))


def test_outbox_survives_reload_offline(server: Server, browser: Any) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(server.page("judge", server.judges["J8"], lang="en"))
    expect(phone.get_by_test_id("state")).to_have_text("Scoring is open")
    phone.wait_for_function("window.leitaiOffline === true")

    context.set_offline(True)
    score_on_phone(phone, {"content": "80", "delivery": "81.5", "presence": "79"})
    expect(phone.get_by_test_id("outbox")).to_have_text("1 sheet waiting to be sent")
    phone.reload()
    expect(phone.get_by_test_id("outbox")).to_have_text("1 sheet waiting to be sent")
    phone.screenshot(path=str(OUTPUT / "screens" / "judge-offline-en.png"))

    context.set_offline(False)
    expect(phone.get_by_test_id("receipt")).to_contain_text("record", timeout=20000)
    expect(phone.get_by_test_id("outbox")).to_be_hidden()
    audit = server.call("GET", f"/api/competitions/{server.cid}/audit", token=server.admin)
    j8 = next(j for j in audit["judges"] if j["judge"] == "J8")
    sheets = [s for s in j8["sheets"] if s["contestant"] == CONTESTANT]
    assert len(sheets) == 1
    assert [v["points"] for v in sheets[0]["versions"]] == [
        {"content": "80", "delivery": "81.5", "presence": "79"}
    ]


def test_a_sheet_recorded_elsewhere_fills_the_judges_form(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    phones = {}
    for judge in ("J7", "J8", "J9"):
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(server.page("judge", server.judges[judge], lang="en"))
        expect(phone.get_by_test_id("state")).to_have_text("Scoring is open")
        expect(phone.get_by_test_id("mark-content")).to_have_value("")
        phones[judge] = phone
    phones["J8"].get_by_test_id("mark-content").fill("50")  # J8 has started typing

    def from_another_device(judge: str, mark: str) -> None:
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": CONTESTANT,
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"elsewhere-{judge}",
            },
            server.judges[judge],
        )

    from_another_device("J7", "88.5")
    from_another_device("J8", "60")
    # J9's phone failed: an organiser keys in the paper sheet, a second confirms it
    paper = {"content": "77", "delivery": "76", "presence": "75"}
    server.admin_post(
        "paper-sheets",
        {"sheet": "paper-j9", "judge": "J9", "contestant": CONTESTANT, "points": paper},
    )
    wang = second_admin(tmp_path / "t.db", server.cid, "wang")
    server.call(
        "POST", f"/api/competitions/{server.cid}/paper-sheets/confirm", {"sheet": "paper-j9"}, wang
    )

    recorded = {"J7": dict.fromkeys(paper, "88.5"), "J9": paper}
    for judge, points in recorded.items():
        phone = phones[judge]
        expect(phone.locator("#sheet h2")).to_have_text(
            "Correct your sheet (while scoring is open)"
        )
        for key, value in points.items():
            expect(phone.get_by_test_id(f"mark-{key}")).to_have_value(value)
        expect(phone.get_by_test_id("total")).not_to_have_text("—")
    # what J8 typed stays: the form is not overwritten under the judge's fingers
    typing = phones["J8"]
    expect(typing.locator("#sheet h2")).to_have_text("Correct your sheet (while scoring is open)")
    expect(typing.get_by_test_id("mark-content")).to_have_value("50")
    expect(typing.get_by_test_id("mark-delivery")).to_have_value("")


def test_a_judge_abstains_then_scores_after_all(server: Server, browser: Any) -> None:
    """Abstaining is a confirmed sheet without points: recorded, the dot filled,
    no mark counted; a later sheet while scoring is open replaces it."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    expect(phone.get_by_test_id("state")).to_have_text("评分进行中")
    phone.get_by_test_id("abstain").click()
    expect(phone.get_by_test_id("abstain-note")).to_contain_text("不计入其得分")
    phone.screenshot(path=str(OUTPUT / "screens" / "judge-abstain-zh-CN.png"))
    phone.get_by_test_id("send").click()
    expect(phone.get_by_test_id("receipt")).to_contain_text("回执")
    expect(phone.locator("#receipt")).to_contain_text("已弃权")
    progress = server.call("GET", f"/api/competitions/{server.cid}/progress")
    assert "J7" not in progress["on_stage"]["missing"]

    def versions() -> list[tuple[bool, dict[str, str]]]:
        audit = server.call("GET", f"/api/competitions/{server.cid}/audit", token=server.admin)
        j7 = next(j for j in audit["judges"] if j["judge"] == "J7")
        [sheet] = [s for s in j7["sheets"] if s["contestant"] == CONTESTANT]
        return [(v["abstain"], v["points"]) for v in sheet["versions"]]

    assert versions() == [(True, {})]
    # the list of what the judge has sent tells an abstention from a score
    item = phone.get_by_test_id("scored-item")
    expect(item).to_contain_text("已弃权")
    # abstaining again would record the same thing twice: the page says it is done
    expect(phone.get_by_test_id("abstain")).to_be_disabled()
    expect(phone.get_by_test_id("abstain")).to_have_text("已弃权")
    fresh = browser.new_context(**PHONE).new_page()  # another phone: from the server's copy
    fresh.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    expect(fresh.get_by_test_id("scored-item")).to_contain_text("已弃权")
    expect(fresh.get_by_test_id("abstained-now")).to_be_visible()
    expect(fresh.get_by_test_id("abstain")).to_be_disabled()
    expect(phone.locator("#sheet h2")).to_have_text("修改评分（评分开放期间可改）")
    score_on_phone(phone, {"content": "90", "delivery": "91", "presence": "92"})
    expect(phone.locator("#receipt")).to_contain_text("总分")
    expect(item).to_contain_text("✓")
    expect(item).not_to_contain_text("已弃权")
    expect(phone.get_by_test_id("abstain")).to_be_enabled()
    marks = {"content": "90", "delivery": "91", "presence": "92"}
    assert versions() == [(True, {}), (False, marks)]


def test_a_revoked_link_says_so_and_is_forgotten(server: Server, browser: Any) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J7"], lang="en"))
    expect(phone.get_by_test_id("state")).to_have_text("Scoring is open")
    server.call("DELETE", f"/api/competitions/{server.cid}/judges/J7/token", None, server.admin)
    phone.reload()
    # not "You do not score this contestant", nor a sheet the server would refuse
    expect(phone.get_by_test_id("state")).to_have_text(
        "This judge's link is not valid (revoked or mistyped): ask the organisers for your link or QR code"
    )
    expect(phone.get_by_test_id("mark-content")).to_be_hidden()
    expect(phone.locator("#conn")).to_be_hidden()
    # the address without the token no longer opens as J7's page
    phone.goto(f"{server.url}/judge/{server.cid}?lang=en")
    expect(phone.get_by_test_id("state")).to_have_text(
        "Open this page from the judge's link or QR code the organisers gave you"
    )
    expect(phone.locator("#conn")).to_be_hidden()


def test_a_sheet_still_owed_for_an_earlier_contestant_is_named(
    server: Server, browser: Any
) -> None:
    """The organiser called the next contestant before J9 scored the first:
    J9's phone says which sheet is still owed, beside a labelled choice."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J9"], lang="zh-CN"))
    expect(phone.get_by_test_id("state")).to_have_text("评分进行中")
    expect(phone.get_by_test_id("owed")).to_have_count(0)
    server.admin_post("stage", {"contestant": "102"})
    expect(phone.get_by_test_id("owed")).to_have_text("仍待您评分：李思远")
    expect(phone.locator("label.choose")).to_contain_text("选择选手")
    phone.screenshot(path=str(OUTPUT / "screens" / "judge-owed-zh-CN.png"), full_page=True)
    phone.get_by_test_id("choose").select_option(CONTESTANT)
    score_on_phone(phone, {"content": "80", "delivery": "81", "presence": "82"})
    expect(phone.get_by_test_id("owed")).to_have_count(0)


def test_the_sheet_opens_on_the_contestant_still_owed(server: Server, browser: Any) -> None:
    """J9 scored 101; 102 was called and J9 sent nothing before the organiser
    called 201, whom J9's panel does not score. The phone opened the form on
    101, the first by id, as a correction with 101's marks filled in: marks
    meant for 102 replaced 101's sheet. It opens on the one still owed."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    server.call(
        "POST",
        f"/api/competitions/{server.cid}/scores",
        {
            "contestant": CONTESTANT,
            "points": {"content": "80", "delivery": "80", "presence": "80"},
            "submission_id": "owed-101",
        },
        server.judges["J9"],
    )
    server.admin_post("stage", {"contestant": "102"})
    server.admin_post("stage", {"contestant": "201"})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J9"], lang="en"))
    expect(phone.get_by_test_id("owed")).to_contain_text("王雨桐")
    expect(phone.get_by_test_id("choose")).to_have_value("102")
    expect(phone.get_by_test_id("sheet-heading")).not_to_contain_text("Correct")
    expect(phone.get_by_test_id("mark-content")).to_have_value("")


def test_the_review_shows_whom_the_sheet_is_for(server: Server, browser: Any) -> None:
    """On a phone (500 px high: its keyboard up), the review step focused its
    button, which scrolled only far enough to show it: the card's heading and
    the contestant's name stayed under the sticky header while the judge confirmed."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    phone = browser.new_context(**{**PHONE, "viewport": {"width": 360, "height": 500}}).new_page()
    phone.goto(server.page("judge", server.judges["J9"], lang="zh-CN"))
    for key in ("content", "delivery", "presence"):
        phone.get_by_test_id(f"mark-{key}").fill("80")
    phone.get_by_test_id("review").click()
    expect(phone.get_by_test_id("send")).to_be_focused()
    name = phone.locator("#confirm .on-name")
    expect(name).to_have_text("李思远")
    header = phone.locator("header.bar").bounding_box()
    shown = name.bounding_box()
    assert header is not None and shown is not None
    assert shown["y"] >= header["y"] + header["height"], (shown, header)
    assert shown["y"] + shown["height"] <= 500


def test_a_judge_at_twice_the_zoom_can_reach_and_read_every_mark(
    server: Server, browser: Any
) -> None:
    """A 360 × 640 phone at 200 % zoom is a page of 180 × 320 CSS px: the
    sticky header took half to two thirds of it, "评委组 C" wrapped a
    character a line, and in English the page scrolled sideways with the
    marks' inputs partly off the screen."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    for lang in ("zh-CN", "en"):
        phone = browser.new_context(
            viewport={"width": 180, "height": 320}, device_scale_factor=4, is_mobile=True
        ).new_page()
        phone.goto(server.page("judge", server.judges["J9"], lang=lang))
        first = phone.get_by_test_id("mark-content")
        expect(first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 180, lang
        for key in ("content", "delivery", "presence"):
            mark = phone.get_by_test_id(f"mark-{key}")
            mark.scroll_into_view_if_needed()
            box, header = mark.bounding_box(), phone.locator("header.bar").bounding_box()
            assert box is not None and header is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= 180, (lang, key, box)
            # not under the header: it scrolls away at this height
            assert box["y"] >= header["y"] + header["height"] - 1, (lang, key, box, header)
        phone.screenshot(path=str(OUTPUT / "screens" / f"judge-zoom200-{lang}.png"))
        score_on_phone(phone, {"content": "80", "delivery": "81", "presence": "82"})
        expect(phone.get_by_test_id("receipt")).to_be_visible()
        phone.context.close()


def test_a_screen_reader_hears_each_mark_s_maximum_and_what_is_wrong(
    server: Server, browser: Any
) -> None:
    """Each mark's input had its label but not its maximum (满分 100), which a
    screen reader never read; an error was announced once and then lost."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J9"], lang="en"))
    content = phone.get_by_test_id("mark-content")
    expect(content).to_have_accessible_name("Content")
    expect(content).to_have_accessible_description("maximum 100")
    content.fill("120")
    phone.get_by_test_id("review").click()
    expect(content).to_have_accessible_description(re.compile(r"^maximum 100 .*100"))
