"""The venue's Wi-Fi loses the answer to an organiser's click: the console
sends the command again with its key, and the server does it once."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Route, expect

from tests.pages.conftest import Server


def test_a_call_whose_answer_is_lost_is_sent_again_and_done_once(
    server: Server, browser: Any
) -> None:
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    expect(console.get_by_test_id("call-next")).to_be_enabled()
    keys: list[str | None] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.header_value("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server does it …
            route.abort("connectionreset")  # … and the answer never reaches the page
        else:
            route.continue_()

    console.route("**/api/competitions/*/stage", lose_the_first_answer)
    console.get_by_test_id("call-next").click()

    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    expect(console.locator(".toast")).to_contain_text("Done (record")
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0], keys
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    called = [e for e in map(json.loads, log.splitlines()) if e["type"] == "contestant_called"]
    assert len(called) == 1
