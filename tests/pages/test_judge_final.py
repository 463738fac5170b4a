"""A finalist in the final is a new sheet on the judge's phone: the heats'
marks neither fill its form nor count as scored there (a judge who only
confirmed sent the heats' marks as the final's)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import PHONE, Server, score_on_stage


def run_the_heats(server: Server) -> dict[str, list[str]]:
    """Every contestant of the heats called, scored by each judge expected,
    closed and revealed; who scored whom."""
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    scored: dict[str, list[str]] = {}
    for contestant in (c["contestant"] for c in setup["contestants"]):
        server.admin_post("stage", {"contestant": contestant})
        scored[contestant] = score_on_stage(server, contestant, "heats")
        server.admin_post("close", {"contestant": contestant})
        server.admin_post("reveal", {"contestant": contestant})
    return scored


def test_a_finalist_s_sheet_in_the_final_starts_empty(server: Server, browser: Any) -> None:
    scored = run_the_heats(server)
    server.admin_post(
        "advance",
        {"from_round": "prelim", "to_round": "final", "name": {"zh-CN": "决赛", "en": "Final"}},
    )
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    final = next(r for r in setup["rounds"] if r["round"] == "final")
    finalist = final["members"][0]
    judge = scored[finalist][0]
    server.admin_post("stage", {"contestant": finalist})

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(server.page("judge", server.judges[judge], lang="en"))
    expect(phone.get_by_test_id("state")).to_have_text("Scoring is open")
    expect(phone.locator("h2").filter(has_text="Correct your sheet")).to_have_count(0)
    for key in ("content", "delivery", "presence"):
        expect(phone.get_by_test_id(f"mark-{key}")).to_have_value("")
    expect(phone.get_by_test_id("scored-item")).to_have_count(0)


def test_the_final_s_first_sheets_are_no_corrections_on_the_audit_page(
    server: Server, browser: Any
) -> None:
    scored = run_the_heats(server)
    server.admin_post(
        "advance",
        {"from_round": "prelim", "to_round": "final", "name": {"zh-CN": "决赛", "en": "Final"}},
    )
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    finalist = next(r for r in setup["rounds"] if r["round"] == "final")["members"][0]
    server.admin_post("stage", {"contestant": finalist})
    judge = scored[finalist][0]
    body = {
        "contestant": finalist,
        "points": {"content": "90", "delivery": "90", "presence": "90"},
        "submission_id": f"final-{finalist}-{judge}",
    }
    sheet = server.call(
        "POST", f"/api/competitions/{server.cid}/scores", body, server.judges[judge]
    )

    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(server.page("audit", server.auditor, lang="en"))
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")
    expect(page.locator(f'[data-testid="corrections"] [data-seq="{sheet["seq"]}"]')).to_have_count(
        0
    )
    expect(page.get_by_test_id("corrections")).to_have_count(0)  # none at all: "no corrections"
