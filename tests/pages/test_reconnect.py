"""A page loads its views gzipped over HTTP, then the socket sends only what
changed; when its Wi-Fi drops it keeps what it holds: on reconnecting it is
told its views are current (or sent what changed), not sent the board again."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import SCREEN, Server, score_on_stage

CONTESTANT = "101"


def test_a_screen_loads_views_gzipped_and_a_reconnection_costs_bytes(
    server: Server, browser: Any
) -> None:
    server.admin_post("stage", {"contestant": CONTESTANT})
    context = browser.new_context(**SCREEN)
    screen = context.new_page()
    received: list[dict[str, Any]] = []
    screen.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: received.append(json.loads(payload))),
    )
    with screen.expect_response(lambda r: r.url.endswith("/views/board")) as loading:
        screen.goto(server.page("screen", lang="en"))
    expect(screen.get_by_test_id("now-name")).to_have_text("李思远")
    board = loading.value
    assert board.header_value("content-encoding") == "gzip"
    whole = len(board.body())
    first = answers_to(screen, received, ("board", "progress"))
    assert all(m["type"] == "current" for m in first.values()), first
    assert first["board"]["seq"] == board.json()["seq"]
    seqs = {view: m["seq"] for view, m in first.items()}

    received.clear()
    context.set_offline(True)
    expect(screen.locator("#conn")).to_have_class("conn stale")
    context.set_offline(False)
    expect(screen.locator("#conn")).to_have_class("conn live")
    answers = answers_to(screen, received, first.keys())
    assert answers == {v: {"type": "current", "view": v, "seq": seqs[v]} for v in first}
    assert sum(len(json.dumps(m)) for m in answers.values()) * 50 < whole

    # what it holds is still what it builds on: the next change shows
    server.admin_post("stage", {"contestant": "102"})
    expect(screen.get_by_test_id("now-name")).to_have_text("王雨桐")


def answers_to(page: Any, received: list[dict[str, Any]], views: Any) -> dict[str, Any]:
    """The answers to subscribing to ``views`` again, once all have come (the
    frames reach the test a little after the page)."""
    for _ in range(100):
        answers = {m["view"]: m for m in received if m["type"] in ("view", "patch", "current")}
        if answers.keys() >= set(views):
            return answers
        page.wait_for_timeout(50)
    raise AssertionError(f"no answer for every view: {received}")


def test_a_result_revealed_while_the_screen_was_offline_plays_when_it_is_back(
    server: Server, browser: Any
) -> None:
    """The projector's Wi-Fi dropped; meanwhile the next contestant was called,
    scored and revealed. Back online, the screen subscribed to the board
    before the progress: it read the reveal against the contestant it last
    saw on stage, took it for an old one, and the hall never saw the result."""
    server.admin_post("stage", {"contestant": CONTESTANT})
    context = browser.new_context(**SCREEN)
    screen = context.new_page()
    screen.goto(server.page("screen", lang="en"))
    expect(screen.get_by_test_id("now-name")).to_have_text("李思远")
    context.set_offline(True)
    expect(screen.locator("#conn")).to_have_class("conn stale")
    final = call_score_and_reveal(server, "102")
    context.set_offline(False)
    expect(screen.locator("#conn")).to_have_class("conn live")
    expect(screen.locator("#now-body")).to_have_attribute("data-reveal", "102")
    expect(screen.get_by_test_id("reveal-final")).to_have_attribute(
        "data-final", final, timeout=15000
    )


def test_a_screen_opened_after_a_reveal_shows_the_result(server: Server, browser: Any) -> None:
    """The projector's PC restarted while a result was up (or a second screen
    was plugged in): the screen showed the contestant as revealed, without a
    final or a rank, until the next was called."""
    final = call_score_and_reveal(server, CONTESTANT)
    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="en"))
    expect(screen.locator("#now-body")).to_have_attribute("data-reveal", CONTESTANT)
    expect(screen.get_by_test_id("reveal-final")).to_have_attribute("data-final", final)
    expect(screen.get_by_test_id("reveal-rank")).to_be_visible()


def call_score_and_reveal(server: Server, contestant: str) -> str:
    """``contestant`` called, scored by every judge expected, closed and
    revealed; their final."""
    server.admin_post("stage", {"contestant": contestant})
    score_on_stage(server, contestant, "reconnect")
    server.admin_post("close", {"contestant": contestant})
    server.admin_post("reveal", {"contestant": contestant})
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    return str(next(r["final"] for r in board["overall"] if r["contestant"] == contestant))
