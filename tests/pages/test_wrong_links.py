"""A wrong address or a dead token says so, in place of a page that waits for ever: every
page at a competition this server does not hold, the organiser and the auditor with a
token it refuses, a judge whose link no competition knows."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import PHONE, SCREEN, Server

MISSING = {
    "zh-CN": "本服务器上没有赛事“nope”",
    "en": "There is no competition “nope” on this server",
}
DEAD = "abcdefabcdefabcdefabcdefabcdef"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_screen_and_audience_of_a_competition_not_here_say_so(
    server: Server, browser: Any, lang: str
) -> None:
    for name, context in (("screen", SCREEN), ("live", PHONE)):
        page = browser.new_context(**context).new_page()
        page.goto(f"{server.url}/{name}/nope?lang={lang}")
        missing = page.get_by_test_id("missing")
        expect(missing.get_by_role("heading")).to_have_text(MISSING[lang])
        missing.get_by_role("link").click()  # to the competitions that are here
        expect(page.locator(".comps li")).to_have_count(1)
        page.context.close()


def test_a_screen_at_a_wrong_address_draws_no_qr_code_into_a_stage_that_is_gone(
    server: Server, browser: Any
) -> None:
    """The screen asked for its QR code before it knew the competition; when the code
    came after the message had replaced the stage, the page threw (reading the QR
    corner that was gone). Here the code, if asked for, comes only after the message."""
    page = browser.new_context(**SCREEN).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    held: list[Any] = []
    page.route("**/qr.svg*", lambda route: held.append(route))
    page.goto(f"{server.url}/screen/nope?lang=en")
    expect(page.get_by_test_id("missing").get_by_role("heading")).to_have_text(MISSING["en"])
    for route in held:
        route.continue_()
    page.wait_for_timeout(300)  # room for the answer, and what the page does with it
    assert errors == []


def test_organiser_and_auditor_with_a_refused_token_sign_in_again(
    server: Server, browser: Any
) -> None:
    for name, heading, controls in (
        ("admin", "Open the organiser's link", "#stage"),
        ("audit", "Open the auditor's link", "#verify"),
    ):
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(server.page(name, DEAD, lang="en"))
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_test_id("refused")).to_have_text(
            "This link or token is not valid (revoked or mistyped)"
        )
        # the page's controls are gone, and the dead token is not kept for the next visit
        expect(page.locator(controls)).to_be_hidden()
        assert "token=" not in page.url
        page.goto(server.page(name, lang="en"))
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_test_id("refused")).to_have_count(0)
        page.context.close()


def test_a_judges_link_no_competition_knows_says_so(server: Server, browser: Any) -> None:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{server.url}/judge?lang=en#token={DEAD}")
    expect(page.get_by_test_id("state")).to_have_text(
        "This judge's link is not valid (revoked or mistyped): ask the organisers for your link or QR code"
    )
    expect(page.locator("#conn")).to_be_hidden()


def test_console_and_audit_of_a_competition_not_here_say_so(server: Server, browser: Any) -> None:
    for name in ("admin", "audit"):
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(f"{server.url}/{name}/nope?lang=en#token={server.admin}")
        expect(page.get_by_test_id("missing").get_by_role("heading")).to_have_text(MISSING["en"])
        expect(page.locator("#conn")).to_be_hidden()
        # in the other language it says the same, and still follows nothing
        page.get_by_test_id("lang").click()
        expect(page.get_by_test_id("missing").get_by_role("heading")).to_have_text(MISSING["zh-CN"])
        expect(page.locator("#conn")).to_be_hidden()
        page.context.close()
