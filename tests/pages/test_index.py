"""The server's front page: its competitions, where each stands, and their links."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import Server


def test_the_index_says_whether_a_competition_has_started(server: Server, browser: Any) -> None:
    page = browser.new_context(viewport={"width": 1024, "height": 700}).new_page()
    page.goto(f"{server.url}/?lang=zh-CN")
    entry = page.locator(f'li[data-competition="{server.cid}"]')
    expect(entry.get_by_test_id("stage")).to_have_text("未开始")
    server.admin_post("stage", {"contestant": "101"})
    assert server.call("GET", "/api/competitions")[0]["stage"] == "running"
    page.reload()
    expect(entry.get_by_test_id("stage")).to_have_text("进行中")
    page.goto(f"{server.url}/?lang=en")
    expect(entry.get_by_test_id("stage")).to_have_text("Live")
    expect(entry.get_by_role("link", name="Live board")).to_have_attribute(
        "href", f"/live/{server.cid}"
    )
