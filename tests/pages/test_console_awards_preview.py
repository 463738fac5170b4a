"""The console's awards form before the click: how many each award would get
(counted by the server), the steps at hand on a laptop once published, and no
paper sheet offered for a contestant who has left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, Server, start_server
from tests.pages.one_judge import contest_file, score_and_reveal
from tests.pages.test_awards_step import run_the_round

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
ROSTER = [(f"c{n}", f"选手{n}", f"单位{n}", "open") for n in range(1, 9)]
AWARDS = [
    ("first", "一等奖", "First prize", "share", "0.17"),
    ("second", "二等奖", "Second prize", "share", "0.5"),
    ("third", "三等奖", "Third prize", "rank", None),  # everyone left
]
MARKS = [("c1", "95"), ("c2", "95"), ("c3", "90"), ("c4", "85"), ("c5", "80"), ("c6", "75")]


def eight(tmp_path: Path) -> Any:
    """A server for eight contestants, c1-c6 scored and revealed, c7 and c8 not yet."""
    definition = contest_file(tmp_path / "eight.toml", "preview-2025", ROSTER, AWARDS)
    for server in start_server(tmp_path, definition):
        score_and_reveal(server, MARKS, "preview")
        yield server


def console(browser: Any, server: Server) -> Any:
    page = browser.new_context(**LAPTOP).new_page()
    page.goto(server.page("admin", server.admin, lang="en"))
    page.get_by_test_id("awards-form").locator("summary").click()
    return page


def test_the_awards_form_says_how_many_each_award_would_go_to(tmp_path: Path, browser: Any) -> None:
    for server in eight(tmp_path):
        score_and_reveal(server, [("c7", "70")], "preview")
        page = console(browser, server)
        counts = {
            key: page.get_by_test_id(f"preview-{key}") for key in ("first", "second", "third")
        }
        # 7 ranked: first half-up(0.17 × 7 = 1.19) = 1, c1 and c2 tied at the cut: 2;
        # second half-up(0.5 × 7 = 3.5) = 4; third everyone left: 1
        for key, n in (("first", "2"), ("second", "4"), ("third", "1")):
            expect(counts[key]).to_have_text(n)
        expect(page.get_by_test_id("awards-preview")).to_contain_text("Second prize")
        expect(page.get_by_test_id("awards-provisional")).to_have_text(
            "Provisional: 1 contestant has not finished scoring"
        )
        page.screenshot(path=str(OUTPUT / "screens" / "admin-awards-preview-en.png"))
        # c8 finishes: 8 ranked, 1.36 → 1 (2 with the tie), 4.0 → 4, left: 2; no longer provisional
        score_and_reveal(server, [("c8", "72")], "preview")
        expect(counts["third"]).to_have_text("2")
        expect(counts["first"]).to_have_text("2")
        expect(counts["second"]).to_have_text("4")
        expect(page.get_by_test_id("awards-provisional")).to_have_count(0)


def test_no_paper_sheet_is_offered_for_a_withdrawn_contestant(tmp_path: Path, browser: Any) -> None:
    for server in eight(tmp_path):
        page = console(browser, server)
        paper = page.get_by_test_id("paper-contestant")
        expect(paper.locator('option[value="c8"]')).to_have_count(1)
        server.admin_post("withdraw", {"contestant": "c8", "reason": "ill"})
        expect(paper.locator('option[value="c8"]')).to_have_count(0)
        expect(paper.locator('option[value="c7"]')).to_have_count(1)
        # an amendment of a mark given before leaving the server still takes: offered, marked
        amend = page.locator("#tools details").nth(1).locator("select").nth(1)
        expect(amend.locator('option[value="c8"]')).to_have_text("选手8 (c8) · Withdrawn")
        # the preview stops calling the counts provisional once c7 is done too
        expect(page.get_by_test_id("awards-provisional")).to_contain_text("1 contestant")
        score_and_reveal(server, [("c7", "70")], "preview")
        expect(page.get_by_test_id("awards-provisional")).to_have_count(0)


STEP_BOX = """() => {
  const r = document.querySelector('[data-testid="award-next"]').getBoundingClientRect();
  const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  return {top: r.top, bottom: r.bottom, height: innerHeight, on_top: hit?.closest('[data-testid="award-next"]') !== null};
}"""


def test_the_next_award_is_at_hand_on_a_laptop_wherever_the_console_is_scrolled(
    server: Server, browser: Any
) -> None:
    run_the_round(server)
    page = browser.new_context(**LAPTOP).new_page()
    page.goto(server.page("admin", server.admin, lang="en"))
    page.get_by_test_id("awards-form").locator("summary").click()
    page.get_by_test_id("publish-awards").click()
    page.get_by_test_id("confirm").get_by_role("button", name="Publish the awards").click()
    expect(page.get_by_test_id("awards-step")).to_have_text("Awards on the screens: 0 of 3")

    def on_screen() -> None:
        box = page.evaluate(STEP_BOX)
        assert box["top"] >= 0 and box["bottom"] <= box["height"] == 768, box
        assert box["on_top"], box  # not under another part of the page

    # the awards' form in view, a screen below the run of show's top
    page.get_by_test_id("finalise").scroll_into_view_if_needed()
    assert page.evaluate("scrollY") > 0
    on_screen()
    page.get_by_test_id("award-next").click(trial=True)  # clickable as it is, no scrolling
    scrolled = page.evaluate("scrollY")
    page.get_by_test_id("award-next").click()
    expect(page.get_by_test_id("awards-step")).to_have_text("Awards on the screens: 1 of 3")
    assert page.evaluate("scrollY") == scrolled
    on_screen()
    page.screenshot(path=str(OUTPUT / "screens" / "admin-awards-steps-laptop-en.png"))
    # back at the top, the run of show scrolled to its last contestant
    page.evaluate("scrollTo(0, 0); document.getElementById('show').scrollTop = 1e6")
    on_screen()


def test_a_tier_nobody_would_get_is_said_to_be_skipped(tmp_path: Path, browser: Any) -> None:
    """A rehearsal's preview listed a tier at 0 that the ceremony then skipped
    silently: the MC is told beforehand."""
    definition = contest_file(tmp_path / "none.toml", "preview-none", ROSTER, AWARDS)
    for server in start_server(tmp_path, definition):
        score_and_reveal(server, [("c1", "90")], "nobody")
        page = console(browser, server)
        # one ranked: first half-up(0.17) = 0, second half-up(0.5) = 1, third none left
        expect(page.get_by_test_id("preview-second")).to_have_text("1")
        expect(page.get_by_test_id("preview-none-second")).to_have_count(0)
        for key in ("first", "third"):
            expect(page.get_by_test_id(f"preview-{key}")).to_have_text("0")
            expect(page.get_by_test_id(f"preview-none-{key}")).to_have_text(
                " (nobody: skipped at the ceremony)"
            )


def test_results_changed_after_the_awards_say_so_until_published_again(
    tmp_path: Path, browser: Any
) -> None:
    """A show-day review amended a mark after the awards: rank 5 had no award while
    ranks 6 and 7 kept theirs, and only finalising (refused) said anything."""
    for server in eight(tmp_path):
        score_and_reveal(server, [("c7", "70"), ("c8", "72")], "preview")
        server.admin_post("awards", {"round": "final"})
        page = console(browser, server)
        expect(page.get_by_test_id("finalise")).to_be_enabled()
        outdated = page.get_by_test_id("awards-outdated")
        expect(outdated).to_have_count(0)
        server.admin_post(
            "amend",
            {"judge": "J1", "contestant": "c8", "reason": "misread", "points": {"score": "99"}},
        )
        expect(outdated).to_have_count(2)  # on the stage and in the awards form
        expect(outdated.first).to_contain_text("Publish the awards again")
        expect(page.get_by_test_id("finalise")).to_be_disabled()
        server.admin_post("awards", {"round": "final"})
        expect(outdated).to_have_count(0)
        expect(page.get_by_test_id("finalise")).to_be_enabled()
