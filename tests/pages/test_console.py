"""The organiser runs one contestant from call to reveal by clicking; the screen follows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, ROOT, SCREEN, Server, hurry_reveal


def test_organiser_runs_a_contestant_and_the_screen_follows(server: Server, browser: Any) -> None:
    screen = browser.new_context(**SCREEN).new_page()
    screen.clock.install()  # a reveal's clock the test may run ahead (hurry_reveal)
    screen.goto(server.page("screen", lang="en"))
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))

    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    called = screen.get_by_test_id("now-name")
    expect(called).to_have_text("李思远")

    for judge, mark in (("J7", "90"), ("J8", "84.5"), ("J9", "77")):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": "101",
                "points": {"content": mark, "delivery": mark, "presence": mark},
                "submission_id": f"console-{judge}",
            },
            server.judges[judge],
        )
    expect(console.locator(".judge-cell.scored")).to_have_count(3)
    expect(screen.locator(".dot.on")).to_have_count(3)

    console.get_by_test_id("close").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Closed")
    console.get_by_test_id("reveal").click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("Reveal 李思远's result?")
    expect(dialog.get_by_test_id("withhold-warning")).to_have_count(0)  # three marks: the quorum
    dialog.get_by_role("button", name="Reveal").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Revealed")

    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    row = next(r for r in board["overall"] if r["contestant"] == "101")
    hurry_reveal(screen)
    expect(screen.get_by_test_id("reveal-final")).to_have_attribute(
        "data-final", row["final"], timeout=10000
    )
    console.screenshot(path=str(OUTPUT / "screens" / "admin-after-reveal-en.png"), full_page=True)


def test_destructive_actions_ask_once_and_cancel_does_nothing(server: Server, browser: Any) -> None:
    console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    row = console.locator('tr[data-contestant="102"]')
    row.get_by_role("button", name="Withdraw").click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("Withdraw 王雨桐 from the competition?")
    # no withdrawal without its reason: the dialog waits for it (it closed on a toast)
    confirm = dialog.get_by_role("button", name="Withdraw")
    expect(confirm).to_be_disabled()
    dialog.locator("textarea").fill("  ")
    expect(confirm).to_be_disabled()
    dialog.locator("textarea").fill("ill")
    expect(confirm).to_be_enabled()
    console.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    board = server.call("GET", f"/api/competitions/{server.cid}/board")
    assert next(r for r in board["overall"] if r["contestant"] == "102")["status"] == "pending"


def test_exports_download_with_the_admin_token(server: Server, browser: Any) -> None:
    server.admin_post("stage", {"contestant": "101"})
    console = browser.new_context(
        viewport={"width": 1440, "height": 1000}, accept_downloads=True
    ).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    console.get_by_test_id("export-lang").select_option("zh-CN")
    with console.expect_download() as csv_download:
        console.get_by_test_id("export-csv").click()
    csv = csv_download.value
    assert csv.suggested_filename == f"{server.cid}-prelim-results-zh-CN.csv"
    text = Path(csv.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "李思远" in text

    with console.expect_download() as xlsx_download:
        console.get_by_test_id("export-xlsx").click()
    assert Path(xlsx_download.value.path()).read_bytes().startswith(b"PK")

    with console.expect_download() as log_download:
        console.get_by_test_id("export-log").click()
    lines = Path(log_download.value.path()).read_text().splitlines()
    assert log_download.value.suggested_filename == f"{server.cid}.ndjson"
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1))


def test_a_mistake_in_a_competition_file_is_shown_in_the_pages_language(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "server.cli", "setup-token", "--db", str(tmp_path / "t.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    setup_token = printed.strip().rsplit("#token=", 1)[1]
    text = (ROOT / "examples" / "contest.toml").read_text(encoding="utf-8")
    wrong = text.replace("weight = 0.6", "weight = -5", 1).encode()
    for lang, problem in (
        ("zh-CN", "应为大于 0 的数，实际为 -5"),
        ("en", "expected a number more than 0, found -5"),
    ):
        console = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        console.goto(f"{server.url}/admin?lang={lang}")
        console.get_by_test_id("definition-file").set_input_files(
            {"name": "contest.toml", "mimeType": "text/plain", "buffer": wrong}
        )
        console.get_by_test_id("setup-token").fill(setup_token)
        console.locator(".new-competition button.secondary").click()
        result = console.get_by_test_id("check-result")
        expect(result).to_contain_text("rules.composite[1].weight")
        expect(result).to_contain_text(problem)
        console.screenshot(path=str(OUTPUT / "screens" / f"admin-file-mistake-{lang}.png"))
        console.context.close()


def test_a_contestant_left_open_by_call_next_is_closed_and_revealed_from_the_run_of_show(
    server: Server, browser: Any
) -> None:
    console = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    # the draw fixes the order once, before anyone is called
    expect(console.get_by_test_id("draw")).to_be_disabled()
    expect(console.get_by_test_id("draw-too-late")).to_be_visible()
    for judge in ("J7", "J8"):
        server.call(
            "POST",
            f"/api/competitions/{server.cid}/scores",
            {
                "contestant": "101",
                "points": {"content": "80", "delivery": "80", "presence": "80"},
                "submission_id": f"left-open-{judge}",
            },
            server.judges[judge],
        )
    expect(console.locator(".judge-cell.scored")).to_have_count(2)

    console.get_by_test_id("call-next").click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("Scoring for 李思远 is still open: 1 judge has not scored")
    expect(dialog).to_contain_text("(冯立新). Call 王雨桐 anyway?")
    dialog.get_by_role("button", name="Call").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    left = console.locator('tr[data-contestant="101"]')
    expect(left.locator(".badge")).to_have_text("Scoring")

    left.get_by_test_id("row-close").click()
    expect(dialog).to_contain_text("1 judge has not scored")
    # two of three judges, below the quorum: said before closing, and before revealing
    expect(dialog.get_by_test_id("withhold-warning")).to_have_text(
        "Only 2 judges' scores count, fewer than the quorum of 3: the result will be withheld."
    )
    dialog.get_by_role("button", name="Close scoring").click()
    expect(left.locator(".badge")).to_have_text("Closed")
    left.get_by_test_id("row-reveal").click()
    expect(dialog).to_contain_text("Reveal 李思远's result?")
    expect(dialog.get_by_test_id("withhold-warning")).to_have_text(
        "Only 2 judges' scores count, fewer than the quorum of 3: "
        "the result is withheld, and the screens will say 'Withheld'."
    )
    dialog.get_by_role("button", name="Reveal").click()
    expect(left.locator(".badge")).to_have_text("Revealed")
    expect(left.get_by_test_id("row-reveal")).to_have_count(0)
    # two of three judges, below the quorum: no final, and the console says why
    expect(left.locator("td.num").nth(1)).to_have_text("Withheld")
    # the one on stage is still being scored, from the stage card
    expect(console.locator('tr[data-contestant="102"] .badge')).to_have_text("Scoring")


def test_an_abstention_shows_as_one_on_the_stage_card(server: Server, browser: Any) -> None:
    """The dot of a judge who abstained is filled, but nothing of theirs counts:
    the organiser must see which, as the quorum may be at risk."""
    console = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    console.get_by_test_id("call-next").click()
    expect(console.get_by_test_id("stage-state")).to_have_text("Scoring")
    cid = server.cid
    server.call(
        "POST",
        f"/api/competitions/{cid}/scores",
        {"contestant": "101", "abstain": True, "submission_id": "abstain-J7"},
        server.judges["J7"],
    )
    server.call(
        "POST",
        f"/api/competitions/{cid}/scores",
        {
            "contestant": "101",
            "points": {"content": "80", "delivery": "80", "presence": "80"},
            "submission_id": "scored-J8",
        },
        server.judges["J8"],
    )
    expect(console.get_by_test_id("judge-J7").locator(".state")).to_have_text("Abstained")
    expect(console.get_by_test_id("judge-J8").locator(".state")).to_have_text("Scored")
    expect(console.get_by_test_id("judge-J9").locator(".state")).to_have_text("Not scored")
    expect(console.locator("#stage")).to_contain_text("2 of 3 judges have scored · 1 abstained")


def test_the_draw_can_run_group_by_group(server: Server, browser: Any) -> None:
    """A show run a group at a time draws within each group, the groups in their order."""
    console = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(server.page("admin", server.admin, lang="zh-CN"))
    console.locator("#seed").fill("现场抽签 2026")
    console.get_by_test_id("draw-by-group").check()
    console.get_by_test_id("draw").click()
    dialog = console.get_by_test_id("confirm")
    expect(dialog).to_contain_text("按组别分别抽签")
    dialog.get_by_role("button", name="抽签排序").click()
    expect(console.get_by_test_id("seed")).to_have_text("现场抽签 2026")
    setup = server.call("GET", f"/api/competitions/{server.cid}/setup")
    group = {c["contestant"]: c["group"] for c in setup["contestants"]}
    order = next(r for r in setup["rounds"] if r["seed"])["order"]
    runs = [group[c] for c in order]
    assert runs == sorted(
        runs, key=[g["group"] for g in setup["groups"]].index
    )  # one group after another
    log = server.text(f"/api/competitions/{server.cid}/log", server.auditor)
    assert '"method":"sha256-fisher-yates-by-group"' in log


def test_the_draw_keeps_what_was_typed_while_the_views_change(server: Server, browser: Any) -> None:
    """The run of show is drawn again at every view that comes: the seed typed
    and the box ticked were lost to the next one (a judge's phone connecting,
    another organiser's change), and the draw took the time as its seed."""
    console = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    console.goto(server.page("admin", server.admin, lang="en"))
    console.locator("#seed").fill("live draw 2026")
    console.get_by_test_id("draw-by-group").check()
    server.admin_post("withdraw", {"contestant": "304", "reason": "ill"})
    expect(console.locator("#show")).to_contain_text("Withdrawn")
    expect(console.locator("#seed")).to_have_value("live draw 2026")
    expect(console.get_by_test_id("draw-by-group")).to_be_checked()
    console.get_by_test_id("draw").click()
    console.get_by_test_id("confirm").get_by_role("button", name="Draw").click()
    expect(console.get_by_test_id("seed")).to_have_text("live draw 2026")
