"""Judges' presence in the organiser's grid: a judge's page open shows as
connected in the console, closed as last seen; the view is the admins' only."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.pages.conftest import OUTPUT, PHONE, Server


def test_a_judge_page_open_then_closed_shows_in_the_console(server: Server, browser: Any) -> None:
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    cell = console.get_by_test_id("presence-J7")
    expect(cell).to_have_text("Not connected")

    phone = browser.new_context(**PHONE)
    judge = phone.new_page()
    judge.goto(server.page("judge", server.judges["J7"], lang="en"))
    expect(cell).to_have_text("Phone connected")
    expect(console.get_by_test_id("presence-J8")).to_have_text("Not connected")
    (OUTPUT / "screens").mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(OUTPUT / "screens" / "admin-presence-en.png"), full_page=True)

    phone.close()
    expect(cell).to_contain_text("Last seen ")

    # the same in Chinese, once the judge is back
    console.goto(server.page("admin", server.admin, lang="zh-CN"))
    expect(console.get_by_test_id("presence-J7")).to_contain_text("最后在线")
    judge = browser.new_context(**PHONE).new_page()
    judge.goto(server.page("judge", server.judges["J7"], lang="zh-CN"))
    expect(console.get_by_test_id("presence-J7")).to_have_text("手机在线")
    console.screenshot(path=str(OUTPUT / "screens" / "admin-presence-zh-CN.png"), full_page=True)


def test_presence_is_for_admins_only(server: Server) -> None:
    url = server.url.replace("http", "ws", 1) + f"/ws/competitions/{server.cid}"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "judge_hello"}))
        ws.send(json.dumps({"type": "subscribe", "view": "presence", "token": server.judges["J7"]}))
        answers = [json.loads(ws.recv(10)) for _ in range(2)]
        assert [a["type"] for a in answers] == ["error", "error"]
        assert answers[1]["error"]["code"] == "forbidden"
        ws.send(json.dumps({"type": "subscribe", "view": "judge", "token": server.judges["J7"]}))
        ws.send(json.dumps({"type": "subscribe", "view": "presence", "token": server.admin}))
        seen = {}
        while set(seen) != {"judge", "presence"}:
            message = json.loads(ws.recv(10))
            if message["type"] == "view":
                seen[message["view"]] = message["data"]
        assert seen["judge"] == {"judge": "J7"}
        assert seen["presence"]["J7"]["connected"] is True
        assert seen["presence"]["J7"]["sockets"] == 1
