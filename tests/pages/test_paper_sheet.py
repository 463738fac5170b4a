"""A judge's phone fails: one organiser keys in the paper sheet in the console,
a second organiser confirms it in theirs, and only then does it count on the
screen. Then the round is published provisionally and finalised."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, ROOT, SCREEN, Server, hurry_reveal

CONSOLE = {"viewport": {"width": 1440, "height": 1000}}


def second_admin(db: Path, cid: str, name: str) -> str:
    command = ["admin-token", "--db", str(db), "--stream", cid, "--admin", name]
    printed = subprocess.run(
        [sys.executable, "-m", "server.cli", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"#token=(\S+)", printed)
    assert found is not None, printed
    return found.group(1)


def score(server: Server, judge: str, mark: str) -> None:
    server.call(
        "POST",
        f"/api/competitions/{server.cid}/scores",
        {
            "contestant": "101",
            "points": {"content": mark, "delivery": mark, "presence": mark},
            "submission_id": f"paper-test-{judge}",
        },
        server.judges[judge],
    )


def test_a_paper_sheet_counts_once_a_second_admin_confirms_it(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    wang = second_admin(tmp_path / "t.db", server.cid, "wang")
    screen = browser.new_context(**SCREEN).new_page()
    screen.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    screen.goto(server.page("screen", lang="en"))
    first = browser.new_context(**CONSOLE).new_page()
    first.goto(server.page("admin", server.admin, lang="en"))
    second = browser.new_context(**CONSOLE).new_page()
    second.goto(server.page("admin", wang, lang="en"))

    server.admin_post("stage", {"contestant": "101"})
    score(server, "J7", "90")
    score(server, "J8", "84.5")  # J9's phone has failed: the paper sheet says 77.1, 76, 78
    expect(screen.locator(".dot.on")).to_have_count(2)

    first.get_by_test_id("paper-form").locator("summary").click()
    expect(first.get_by_test_id("paper-contestant")).to_have_value("101")
    # only the judges whose panel scores the contestant's group are offered
    judges = first.get_by_test_id("paper-judge").locator("option")
    expect(judges).to_have_count(3)
    assert [o.get_attribute("value") for o in judges.all()] == ["J7", "J8", "J9"]
    first.get_by_test_id("paper-contestant").select_option("201")  # enterprise: panel A
    expect(judges.first).to_have_attribute("value", "J1")
    assert [o.get_attribute("value") for o in judges.all()] == ["J1", "J2", "J3"]
    first.get_by_test_id("paper-contestant").select_option("101")
    first.get_by_test_id("paper-judge").select_option("J9")
    for key, mark in (("content", "77.1"), ("delivery", "76"), ("presence", "78")):
        first.get_by_test_id(f"paper-{key}").fill(mark)
    first.get_by_test_id("paper-enter").click()

    # entered, shown to both organisers, not counted; its author cannot confirm it
    waiting = first.locator('[data-testid^="paper-paper-"]')
    # weights 0.5 / 0.3 / 0.2: exactly 76.95, never rounded to the sheet's one place
    expect(waiting).to_contain_text("冯立新 → 李思远: total 76.95, keyed in by admin")
    expect(waiting.get_by_test_id("paper-confirm")).to_be_disabled()
    expect(first.get_by_text("Signed in as admin")).to_be_visible()
    mine = second.locator('[data-testid^="paper-paper-"]')
    expect(mine).to_contain_text("keyed in by admin")
    expect(second.get_by_text("Signed in as wang")).to_be_visible()
    expect(screen.locator(".dot.on")).to_have_count(2)
    expect(second.locator(".judge-cell.paper")).to_have_text(re.compile("Paper sheet waiting"))
    # closing now is refused: the console says why, not that a judge has not scored
    first.get_by_test_id("close").click()
    expect(first.locator(".toast")).to_contain_text(
        "冯立新's paper sheet awaits a second organiser: confirm or reject it, then close scoring"
    )
    expect(first.get_by_test_id("confirm")).to_be_hidden()
    board = server.call("GET", f"/api/competitions/{server.cid}/board", token=server.admin)
    row = next(r for r in board["overall"] if r["contestant"] == "101")
    assert {j["judge"] for j in row["judges"]} == {"J7", "J8"}
    first.screenshot(path=str(OUTPUT / "screens" / "admin-paper-sheet-waiting-en.png"))

    # the second organiser checks it against the paper and confirms it: it counts
    mine.get_by_test_id("paper-confirm").click()
    dialog = second.get_by_test_id("confirm")
    expect(dialog).to_contain_text("Checked against the paper, line by line?")
    dialog.get_by_role("button", name="Checked: confirm").click()
    expect(screen.locator(".dot.on")).to_have_count(3)
    expect(second.locator(".judge-cell.scored")).to_have_count(3)
    expect(first.locator('[data-testid^="paper-paper-"]')).to_have_count(0)

    second.get_by_test_id("close").click()
    expect(second.get_by_test_id("stage-state")).to_have_text("Closed")
    second.get_by_test_id("reveal").click()
    second.get_by_test_id("confirm").get_by_role("button", name="Reveal").click()
    expect(second.get_by_test_id("stage-state")).to_have_text("Revealed")  # the POST has landed
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    row = next(r for r in board["overall"] if r["contestant"] == "101")
    assert row["judges_counted"] == 1 and {j["judge"] for j in row["judges"]} == {
        "J7",
        "J8",
        "J9",
    }
    hurry_reveal(screen)
    expect(screen.get_by_test_id("reveal-final")).to_have_attribute(
        "data-final", row["final"], timeout=10000
    )
    log = server.text(f"/api/competitions/{server.cid}/log?from_seq=1", server.auditor)
    assert '"actor":{"id":"wang","role":"admin"}' in log and '"on_behalf":"admin"' in log

    audit = browser.new_context(**CONSOLE).new_page()
    audit.goto(server.page("audit", server.auditor, lang="en"))
    expect(audit.get_by_text("paper sheet keyed in by admin, confirmed by wang")).to_be_visible()


def test_provisional_until_the_organiser_finalises(server: Server, browser: Any) -> None:
    for contestant in [
        c["contestant"]
        for c in server.call("GET", f"/api/competitions/{server.cid}/setup")["contestants"]
    ]:
        server.admin_post("withdraw", {"contestant": contestant, "reason": "test"})
    screen = browser.new_context(**SCREEN).new_page()
    screen.goto(server.page("screen", lang="en"))
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    expect(screen.locator("#provisional")).to_be_visible()

    console.get_by_test_id("awards-form").locator("summary").click()
    expect(console.get_by_test_id("finalise")).to_be_disabled()
    console.get_by_test_id("publish-awards").click()
    console.get_by_test_id("confirm").get_by_role("button", name="Publish the awards").click()
    expect(console.get_by_test_id("finalise")).to_be_enabled()
    expect(screen.locator("#provisional")).to_be_visible()  # published, still provisional

    console.get_by_test_id("finalise").click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("No score can be amended")
    dialog.get_by_role("button", name="Finalise the results").click()
    expect(screen.locator("#provisional")).to_be_hidden()
    expect(console.get_by_text("This round's results are final")).to_be_visible()
