"""The projector's controls leave the hall's screen while the mouse is still."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import SCREEN, Server


def test_the_language_switch_and_the_pointer_fade_once_the_mouse_is_still(
    server: Server, browser: Any
) -> None:
    """A rehearsal's projector showed a small 'English' button in the corner all show long."""
    page = browser.new_context(**SCREEN).new_page()
    page.clock.install()
    page.goto(server.page("screen", lang="zh-CN"))
    switch = page.locator(".lang-switch")
    expect(switch).to_have_text("English")
    opacity = "() => getComputedStyle(document.querySelector('.lang-switch')).opacity"
    page.clock.run_for(3_500)
    expect(page.locator("body")).to_have_class("idle")
    page.wait_for_function(f"({opacity})() === '0'")
    page.mouse.move(200, 200)
    expect(page.locator("body")).not_to_have_class("idle")
    page.wait_for_function(f"({opacity})() === '1'")
    switch.click()  # whoever runs the projector still switches the language
    expect(switch).to_have_text("中文")
