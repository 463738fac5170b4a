"""The judge's sheet on a phone as a reviewer saw it (390×844, zh-CN): a validation
toast that outlives its reason, or names only the first mark that is not valid, a
total of marks that are not valid, a connection pill that says "live" while
the phone is offline, and the focus lost to the page's body once a sheet is sent."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.pages.conftest import OUTPUT, PHONE, Server
from tests.pages.test_scoring import CONTESTANT, score_on_phone

REVIEWER_PHONE = PHONE | {"viewport": {"width": 390, "height": 844}}
MARKS = {"content": "85.3", "delivery": "90", "presence": "77.55"}  # 台风 allows one decimal


def open_sheet(server: Server, browser: Any, judge: str) -> tuple[Any, Page]:
    server.admin_post("stage", {"contestant": CONTESTANT})
    context = browser.new_context(**REVIEWER_PHONE)
    phone = context.new_page()
    phone.goto(server.page("judge", server.judges[judge], lang="zh-CN"))
    expect(phone.get_by_test_id("state")).to_have_text("评分进行中")
    return context, phone


def fill(phone: Page, marks: dict[str, str]) -> None:
    for key, value in marks.items():
        phone.get_by_test_id(f"mark-{key}").fill(value)


def test_a_validation_toast_goes_once_the_sheet_is_valid(server: Server, browser: Any) -> None:
    _, phone = open_sheet(server, browser, "J7")
    fill(phone, MARKS)
    phone.get_by_test_id("review").click()
    toast = phone.locator(".toast")
    expect(toast).to_have_text("台风：最多 1 位小数")
    # the toast would leave by itself after 6 s; it must go because the sheet is now valid
    fill(phone, {"presence": "77.5"})
    expect(toast).to_be_hidden(timeout=1000)
    phone.get_by_test_id("review").click()
    phone.get_by_test_id("send").click()
    expect(phone.get_by_test_id("receipt")).to_contain_text("回执")
    expect(phone.locator("#receipt")).to_contain_text("评分已送达")
    expect(toast).to_be_hidden(timeout=1000)


def test_after_sending_the_focus_is_on_the_stage_card(server: Server, browser: Any) -> None:
    """The send button goes with its card: the focus fell to the page's body, and a
    keyboard or a screen reader started again from nowhere. It goes to the stage card,
    at the top, which says whom scoring is open for now."""
    _, phone = open_sheet(server, browser, "J9")
    fill(phone, MARKS | {"presence": "77.5"})
    phone.get_by_test_id("review").click()
    phone.get_by_test_id("send").click()
    expect(phone.locator("#stage")).to_be_focused()
    expect(phone.get_by_test_id("receipt")).to_contain_text("回执")
    expect(phone.locator("#stage")).to_be_focused()  # the receipt's arrival leaves it there


def test_a_sheet_with_an_invalid_mark_shows_no_total(server: Server, browser: Any) -> None:
    _, phone = open_sheet(server, browser, "J7")
    total = phone.get_by_test_id("total")
    fill(phone, MARKS)
    expect(phone.get_by_role("alert")).to_have_text("最多 1 位小数")
    expect(total).to_have_text("—")  # not 85.16, a total of a mark that cannot be sent
    phone.get_by_test_id("review").click()  # the sheet drawn again keeps it so
    expect(phone.locator(".toast")).to_have_text("台风：最多 1 位小数")
    expect(total).to_have_text("—")
    fill(phone, {"presence": "101"})
    expect(phone.get_by_role("alert")).to_have_text("不能超过 100 分")
    expect(total).to_have_text("—")
    fill(phone, {"presence": "77.5"})
    expect(total).to_have_text("85.15")


LINES_OF = """(el) => [...el.querySelectorAll('.toast-line')].map((line) => {
  const range = document.createRange();
  range.selectNodeContents(line);
  return range.getClientRects().length;
})"""
"""How many lines of text each of the toast's lines takes on the screen."""


def on_screen(phone: Page, toast: Any) -> None:
    """``toast`` wholly on the phone's screen, each of its lines unbroken."""
    box = toast.bounding_box()
    size = phone.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box
    assert set(toast.evaluate(LINES_OF)) == {1}, toast.inner_text()


def test_the_validation_toast_names_every_mark_that_is_not_valid(
    server: Server, browser: Any
) -> None:
    _, phone = open_sheet(server, browser, "J7")
    fill(phone, {"content": "101", "delivery": "100.5", "presence": "77.55"})
    phone.get_by_test_id("review").click()
    toast = phone.locator(".toast")
    lines = toast.locator(".toast-line")
    # each said as the field under it says it, in the order of the sheet
    expect(toast).to_contain_text("台风：最多 1 位小数")
    expect(lines).to_have_text(
        ["内容：不能超过 100 分", "表达：不能超过 100 分", "台风：最多 1 位小数"]
    )
    on_screen(phone, toast)

    phone.get_by_test_id("lang").click()
    phone.get_by_test_id("review").click()
    expect(lines).to_have_text(
        [
            "Content: No more than 100",
            "Delivery: No more than 100",
            "Stage presence: At most 1 decimal place",
        ]
    )
    on_screen(phone, toast)
    phone.screenshot(path=str(OUTPUT / "screens" / "judge-invalid-marks-en.png"))

    # the toast follows the marks as they are put right, and goes with the last
    fill(phone, {"content": "99"})
    expect(lines).to_have_text(
        ["Delivery: No more than 100", "Stage presence: At most 1 decimal place"]
    )
    fill(phone, {"delivery": "99.55"})
    expect(lines).to_have_text(
        ["Delivery: At most 1 decimal place", "Stage presence: At most 1 decimal place"]
    )
    fill(phone, {"delivery": "99.5", "presence": "77.5"})
    expect(toast).to_be_hidden(timeout=1000)


def test_the_pill_stops_saying_live_as_soon_as_the_phone_is_offline(
    server: Server, browser: Any
) -> None:
    context, phone = open_sheet(server, browser, "J8")
    pill = phone.locator("#conn")
    expect(pill).to_have_text("实时")
    attempts: list[Any] = []
    phone.on("websocket", lambda socket: attempts.append(socket))
    context.set_offline(True)
    score_on_phone(phone, {"content": "80", "delivery": "81.5", "presence": "79"})
    expect(phone.locator("#outbox")).to_contain_text("网络已断开：评分已保存在本机，恢复后自动发送")
    # without its own notice the socket notices only after three missed heartbeats (15 s)
    expect(pill).to_contain_text("连接中断", timeout=3000)
    # four failed reconnections offline: the next is 4 to 12 s away
    while len(attempts) < 4:
        with phone.expect_websocket(timeout=15000):
            pass
    context.set_offline(False)
    # back at once, not after the backoff that grew while offline
    expect(pill).to_have_text("实时", timeout=3000)
    expect(phone.get_by_test_id("receipt")).to_contain_text("回执")
    expect(phone.get_by_test_id("outbox")).to_be_hidden()


@pytest.mark.parametrize(("lang", "abstained"), [("zh-CN", "已弃权"), ("en", "Abstained")])
def test_the_list_of_sent_sheets_shows_each_total(
    server: Server, browser: Any, lang: str, abstained: str
) -> None:
    """A judge 25 contestants in compares the totals they gave: the list said only
    "✓ #seq". Each sent sheet now shows its total, computed from its points as the
    sheet's review does; an abstention still says so, with no total."""
    cid = server.cid
    for contestant, sheet in (
        ("102", {"points": {"content": "90", "delivery": "80", "presence": "70"}}),
        ("103", {"abstain": True}),
    ):
        server.admin_post("stage", {"contestant": contestant})
        body = {"contestant": contestant, "submission_id": f"sent-{contestant}-J8", **sheet}
        server.call("POST", f"/api/competitions/{cid}/scores", body, server.judges["J8"])
        server.admin_post("close", {"contestant": contestant})
    server.admin_post("stage", {"contestant": "104"})
    phone = browser.new_context(**REVIEWER_PHONE).new_page()
    phone.goto(server.page("judge", server.judges["J8"], lang=lang))
    # sent on this phone: 0.5 × 85.5 + 0.3 × 77 + 0.2 × 92.5
    score_on_phone(phone, {"content": "85.5", "delivery": "77", "presence": "92.5"})
    expect(phone.get_by_test_id("receipt")).to_be_visible()

    items = phone.get_by_test_id("scored-item")
    expect(items).to_have_count(3)
    # from the server's copy (sent from another device): 45 + 24 + 14
    # with the competition's places, as the exports print it: 83.00, not 83 beside 84.35
    expect(items.filter(has_text="王雨桐").get_by_test_id("sent-total")).to_have_text("83.00")
    expect(items.filter(has_text="陈浩然")).to_contain_text(abstained)
    expect(items.filter(has_text="陈浩然").get_by_test_id("sent-total")).to_have_count(0)
    expect(items.filter(has_text="赵一诺").get_by_test_id("sent-total")).to_have_text("84.35")
    expect(items.filter(has_text="赵一诺")).to_contain_text("✓")
    # in the running order, whichever phone sent them
    expect(items.locator(".name")).to_have_text(["王雨桐", "陈浩然", "赵一诺"])
    phone.screenshot(path=str(OUTPUT / "screens" / f"judge-sent-totals-{lang}.png"), full_page=True)
