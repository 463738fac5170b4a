"""Two or three organisers run a contest from consoles of their own: one runs the
show, one keys in paper sheets, one records reviews. What one does to the set-up
(the final opened, its running order drawn) reaches the others' run of show and
forms without a reload, and never takes what an organiser is typing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import Server
from tests.pages.test_judge_final import run_the_heats
from tests.pages.test_paper_sheet import second_admin

CONSOLE = {"viewport": {"width": 1366, "height": 768}}
FINAL = {"zh-CN": "决赛", "en": "Final"}


def final_round(server: Server) -> dict[str, Any]:
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    return next(r for r in setup["rounds"] if r["round"] == "final")


def shown(page: Any) -> list[str]:
    """The contestants of the run of show, in its order."""
    rows = page.locator("#show tbody tr")
    return [str(r.get_attribute("data-contestant")) for r in rows.all()]


def recuse_form(page: Any) -> Any:
    return page.locator("#tools details", has=page.locator("summary", has_text="Recuse a judge"))


def test_a_console_follows_the_final_opened_in_another_keeping_a_half_filled_form(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    run_the_heats(server)
    wang = second_admin(tmp_path / "t.db", server.cid, "wang")
    heats = [
        c["contestant"]
        for c in server.call("GET", f"/api/competitions/{server.cid}/setup")["contestants"]
    ]
    runner = browser.new_context(**CONSOLE).new_page()
    runner.goto(server.page("admin", server.admin, lang="en"))
    keyer = browser.new_context(**CONSOLE).new_page()
    keyer.goto(server.page("admin", wang, lang="en"))
    expect(keyer.locator("#show tbody tr")).to_have_count(len(heats))

    # the second organiser is halfway through a paper sheet's marks, and through a
    # recusal, the caret in its reason
    keyer.get_by_test_id("paper-form").locator("summary").click()
    keyer.get_by_test_id("paper-content").fill("81.5")
    keyer.get_by_test_id("paper-delivery").fill("76")
    recuse = recuse_form(keyer)
    recuse.locator("summary").click()
    recuse.get_by_test_id("recuse-judge").select_option("J8")
    reason = recuse.get_by_label("Reason")
    reason.fill("Leaves before the")
    expect(reason).to_be_focused()

    # the first opens the final from their console
    runner.locator("#tools summary").filter(has_text="Advance to the next round").click()
    runner.locator("#tools button.danger").filter(has_text="Advance to the next round").click()
    runner.get_by_test_id("confirm").get_by_role("button", name="Advance to the next round").click()
    expect(runner.locator(".toast.info")).to_contain_text("Done (record")  # durable by then
    finalists = list(final_round(server)["members"])
    assert finalists and len(finalists) < len(heats)

    # the second's run of show is the final's, without a reload
    expect(keyer.locator("#show tbody tr")).to_have_count(len(finalists))
    assert shown(keyer) == finalists
    # and what they were typing is as it was, the caret where it was
    expect(keyer.get_by_test_id("paper-form")).to_have_attribute("open", "")
    expect(keyer.get_by_test_id("paper-content")).to_have_value("81.5")
    expect(keyer.get_by_test_id("paper-delivery")).to_have_value("76")
    expect(recuse).to_have_attribute("open", "")
    expect(recuse.get_by_test_id("recuse-judge")).to_have_value("J8")
    expect(reason).to_have_value("Leaves before the")
    expect(reason).to_be_focused()
    keyer.keyboard.type(" final")
    expect(reason).to_have_value("Leaves before the final")
    # the recusal it holds is for the final's contestants
    who = recuse.get_by_label("Contestant").locator("option")
    expect(who).to_have_count(len(finalists) + 1)
    assert [o.get_attribute("value") for o in who.all()] == ["", *finalists]

    # the API draws the final's running order: both consoles follow it
    server.admin_post("draw", {"round": "final", "seed": "20250601"})
    order = list(final_round(server)["order"])
    assert sorted(order) == sorted(finalists)
    expect(keyer.get_by_test_id("seed")).to_have_text("20250601")
    expect(runner.get_by_test_id("seed")).to_have_text("20250601")
    assert shown(keyer) == order and shown(runner) == order
    expect(who.nth(1)).to_have_attribute("value", order[0])
    assert [o.get_attribute("value") for o in who.all()] == ["", *order]
    expect(reason).to_have_value("Leaves before the final")
    expect(keyer.get_by_test_id("paper-delivery")).to_have_value("76")


def test_the_recuse_form_lists_the_round_under_way_in_its_running_order(
    server: Server, browser: Any
) -> None:
    run_the_heats(server)
    server.admin_post("advance", {"from_round": "prelim", "to_round": "final", "name": FINAL})
    server.admin_post("draw", {"round": "final", "seed": "20250601"})
    order = list(final_round(server)["order"])
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    names = {c["contestant"]: c["name"] for c in setup["contestants"]}
    for lang, everyone in (("en", "every contestant"), ("zh-CN", "全部选手")):
        page = browser.new_context(**CONSOLE).new_page()
        page.goto(server.page("admin", server.admin, lang=lang))
        form = page.locator("#tools details").nth(2)  # paper, amend, recuse
        form.locator("summary").click()
        who = form.locator("select").nth(1)
        options = who.locator("option")
        expect(options).to_have_count(len(order) + 1)
        assert [o.get_attribute("value") for o in options.all()] == ["", *order]
        assert options.first.inner_text() == everyone
        assert options.nth(1).inner_text() == f"{names[order[0]]} ({order[0]})"
        page.context.close()
