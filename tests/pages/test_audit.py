"""The audit page checks the hash chain in the browser, names the first bad record of a
tampered export, replays the board at a past record and lists corrections with reasons."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.pages.conftest import CID, Server, example_edited, start_server
from tests.pages.one_judge import contest_file, score_and_reveal

DESKTOP = {"viewport": {"width": 1440, "height": 1000}}


def score(server: Server, judge: str, contestant: str, mark: str) -> None:
    server.call(
        "POST",
        f"/api/competitions/{server.cid}/scores",
        {
            "contestant": contestant,
            "points": {"content": mark, "delivery": mark, "presence": mark},
            "submission_id": f"audit-{judge}-{contestant}",
        },
        server.judges[judge],
    )


def run_one_contestant(server: Server) -> int:
    """101 scored, closed, amended with a reason, revealed; a judge recused. The seq of
    the amendment."""
    server.admin_post("stage", {"contestant": "101"})
    for judge, mark in (("J7", "90"), ("J8", "84.5"), ("J9", "77")):
        score(server, judge, "101", mark)
    server.admin_post("close", {"contestant": "101"})
    amended = server.admin_post(
        "amend",
        {
            "judge": "J9",
            "contestant": "101",
            "points": {"content": "79", "delivery": "79", "presence": "79"},
            "reason": "Sheet misread by the scribe",
        },
    )
    server.admin_post("reveal", {"contestant": "101"})
    server.admin_post("recuse", {"judge": "J8", "contestant": "103", "reason": "Coached 103"})
    return int(amended["seq"])


def log_lines(server: Server) -> list[str]:
    text = server.text(f"/api/competitions/{server.cid}/log?from_seq=1", server.auditor)
    return text.splitlines()


def open_audit(browser: Any, server: Server) -> Page:
    page: Page = browser.new_context(**DESKTOP).new_page()
    page.goto(server.page("audit", server.auditor, lang="en"))
    return page


def test_the_page_verifies_the_servers_log(server: Server, browser: Any) -> None:
    amended = run_one_contestant(server)
    lines = log_lines(server)
    head = json.loads(lines[-1])
    page = open_audit(browser, server)

    status = page.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-state", "intact")
    expect(status).to_have_attribute("data-head-seq", str(head["seq"]))
    expect(page.get_by_test_id("head-hash")).to_have_text(head["hash"])

    corrections = page.get_by_test_id("corrections")
    expect(corrections.locator(f'[data-seq="{amended}"]')).to_contain_text(
        "Sheet misread by the scribe"
    )
    expect(corrections.locator(f'[data-seq="{amended}"]')).to_contain_text("was 77")
    expect(corrections.locator('[data-type="judge_recused"]')).to_contain_text("Coached 103")

    # the board just before the amendment: J9's 77 still stands
    page.locator(f'.timeline tr[data-seq="{amended - 1}"] td.seq button').click()
    expect(page.get_by_test_id("board-caption")).to_have_attribute("data-seq", str(amended - 1))
    expect(page.get_by_test_id("board-table").locator('tr[data-contestant="101"]')).to_contain_text(
        "冯立新 77"
    )
    page.get_by_role("button", name="Latest").click()
    expect(page.get_by_test_id("board-caption")).to_have_attribute("data-seq", str(head["seq"]))
    expect(page.get_by_test_id("board-table").locator('tr[data-contestant="101"]')).to_contain_text(
        "冯立新 79"
    )

    # the filter by judge keeps only what J9 did or was done to J9
    page.get_by_test_id("filter-judge").select_option("J9")
    rows = page.locator(".timeline tbody tr")
    expect(rows).to_have_count(3)  # the registration, the sheet and the amendment
    for seq in [int(s) for s in rows.evaluate_all("rs => rs.map(r => r.dataset.seq)")]:
        data = json.loads(lines[seq - 1])["data"]
        assert data.get("judge") == "J9"


def test_the_page_names_the_bad_seq_of_a_tampered_export(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    run_one_contestant(server)
    lines = log_lines(server)
    page = open_audit(browser, server)
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")

    intact = tmp_path / "intact.ndjson"
    intact.write_text("\n".join(lines) + "\n")
    page.get_by_test_id("log-file").set_input_files(str(intact))
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")
    expect(page.locator("#verify")).to_contain_text(
        f"Identical to the first {len(lines)} records of this server's log"
    )

    # J9's 77 for 101 becomes 97, its hash left as it was
    target = next(i for i, line in enumerate(lines) if '"submission_id":"audit-J9-101"' in line)
    tampered = list(lines)
    tampered[target] = tampered[target].replace('"77"', '"97"')
    assert tampered[target] != lines[target]
    altered = tmp_path / "tampered.ndjson"
    altered.write_text("\n".join(tampered) + "\n")
    page.get_by_test_id("log-file").set_input_files(str(altered))
    status = page.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-state", "broken")
    expect(status).to_have_attribute("data-bad-seq", str(target + 1))
    expect(status).to_contain_text(f"Chain broken at record {target + 1}")
    expect(status).to_contain_text("the record was altered")
    # and how far it agrees with this server's log, where it parts from it
    expect(page.locator("#verify")).to_contain_text(
        f"Identical to the first {target} records of this server's log, "
        f"then differs from record {target + 1} on"
    )

    # two records swapped: the first out of place is named
    swapped = list(lines)
    swapped[10], swapped[11] = swapped[11], swapped[10]
    reordered = tmp_path / "reordered.ndjson"
    reordered.write_text("\n".join(swapped) + "\n")
    page.get_by_test_id("log-file").set_input_files(str(reordered))
    expect(status).to_have_attribute("data-bad-seq", "11")
    expect(status).to_contain_text("out of order")

    expect(page.locator("#verify")).to_contain_text(
        "Identical to the first 10 records of this server's log, then differs from record 11 on"
    )

    page.get_by_role("button", name="Back to this server's log").click()
    expect(status).to_have_attribute("data-state", "intact")

    chinese: Page = browser.new_context(**DESKTOP).new_page()
    chinese.goto(server.page("audit", server.auditor, lang="zh-CN"))
    expect(chinese.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")
    chinese.get_by_test_id("log-file").set_input_files(str(altered))
    expect(chinese.get_by_test_id("verify-status")).to_have_attribute("data-state", "broken")
    expect(chinese.locator("#verify")).to_contain_text(
        f"与本服务器日志的前 {target} 条完全一致，自第 {target + 1} 号记录起不同"
    )


def test_the_page_without_a_token_asks_for_one_and_waits_for_no_connection(
    server: Server, browser: Any
) -> None:
    page: Page = browser.new_context(**DESKTOP).new_page()
    page.goto(server.page("audit", lang="en"))
    expect(page.get_by_role("heading", name="Open the auditor's link")).to_be_visible()
    expect(page.get_by_label("Auditor token")).to_be_visible()
    expect(page.locator("#conn")).to_be_hidden()


def test_the_timeline_names_groups_sources_and_rules_in_the_page_s_language(
    server: Server, browser: Any
) -> None:
    run_one_contestant(server)
    lines = [json.loads(line) for line in log_lines(server)]
    seq_of = {
        kind: next(e["seq"] for e in lines if e["type"] == kind)
        for kind in ("panel_assigned", "prior_score_recorded", "rules_set")
    }
    page: Page = browser.new_context(**DESKTOP).new_page()
    page.goto(server.page("audit", server.auditor, lang="zh-CN"))
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")
    row = lambda kind: page.locator(f'.timeline tr[data-seq="{seq_of[kind]}"]')  # noqa: E731
    panel = next(e["data"] for e in lines if e["seq"] == seq_of["panel_assigned"])
    groups = {
        e["data"]["group"]: e["data"]["name"]["zh-CN"]
        for e in lines
        if e["type"] == "group_defined"
    }
    expect(row("panel_assigned")).to_contain_text(
        f"评委组 {panel['panel']} → " + "、".join(groups[g] for g in panel["groups"])
    )
    expect(row("prior_score_recorded")).to_contain_text("专家评审")
    expect(row("rules_set")).to_contain_text("去掉 1 个最高分和 1 个最低分后平均")
    expect(row("rules_set")).to_contain_text("专家评审 × ")
    for kind in seq_of:  # no internal ids where the page has names
        assert "agency" not in row(kind).inner_text() and "expert" not in row(kind).inner_text()


def test_rules_composed_from_rounded_terms_say_so_and_the_board_adds_up(
    tmp_path: Path, browser: Any
) -> None:
    definition = example_edited(
        tmp_path,
        "rounded.toml",
        lambda text: text.replace("[rules]\n", '[rules]\ncompose_from = "rounded"\n', 1),
    )
    for server in start_server(tmp_path, definition):
        run_one_contestant(server)
        rules_seq = next(
            json.loads(line)["seq"]
            for line in log_lines(server)
            if json.loads(line)["type"] == "rules_set"
        )
        page: Page = browser.new_context(**DESKTOP).new_page()
        page.goto(server.page("audit", server.auditor, lang="zh-CN"))
        expect(page.locator(f'.timeline tr[data-seq="{rules_seq}"]')).to_contain_text(
            "各项得分先修约至规定小数位再加权"
        )
        row = next(
            r
            for r in server.call("GET", f"/api/competitions/{server.cid}/board")["overall"]
            if r["contestant"] == "101"
        )
        terms = sum(Decimal(c["weight"]) * Decimal(c["value"]) for c in row["components"])
        assert Decimal(row["final"]) == terms.quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_on_a_phone_names_stay_on_one_line_and_the_board_scrolls(
    server: Server, browser: Any
) -> None:
    run_one_contestant(server)
    page: Page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(server.page("audit", server.auditor, lang="zh-CN"))
    names = page.get_by_test_id("board-table").locator("td.who > span:first-child")
    expect(names.first).to_have_text("李思远")
    broken = names.evaluate_all("els => els.filter((e) => e.getClientRects().length > 1).length")
    assert broken == 0, f"{broken} names broken over lines"


def test_the_board_says_why_an_abstention_does_not_count(server: Server, browser: Any) -> None:
    """The auditor's board strikes every mark that does not count, an abstention
    too, and says why in the page's language (no message missing from the catalogue)."""
    server.admin_post("stage", {"contestant": "101"})
    for judge, mark in (("J7", "90"), ("J8", "84.5")):
        score(server, judge, "101", mark)
    server.call(
        "POST",
        f"/api/competitions/{server.cid}/scores",
        {"contestant": "101", "abstain": True, "submission_id": "audit-J9-101-abstain"},
        server.judges["J9"],
    )
    server.admin_post("close", {"contestant": "101"})
    missing: list[str] = []
    for lang, word in (("zh-CN", "弃权"), ("en", "Abstained")):
        page: Page = browser.new_context(**DESKTOP).new_page()
        page.on("console", lambda m: missing.append(m.text) if "i18n" in m.text else None)
        page.goto(server.page("audit", server.auditor, lang=lang))
        row = page.get_by_test_id("board-table").locator('tr[data-contestant="101"]')
        expect(row.locator("s.dropped")).to_have_attribute("title", word)
        assert missing == [], missing
        page.context.close()


def test_awards_on_the_board_before_their_publication_are_marked_provisional(
    tmp_path: Path, browser: Any
) -> None:
    """The organisers' board gives the tiers the rules give so far, before any is
    published (rules §12): at a record before the publication the audit page showed
    一等奖 as if announced. It marks them 暂定 / provisional until published."""
    roster = [("c1", "张明轩", "江城大学", "open"), ("c2", "李思远", "江城理工学院", "open")]
    awards = [("first", "一等奖", "First prize", "rank", 1)]
    for server in start_server(tmp_path, contest_file(tmp_path / "two.toml", CID, roster, awards)):
        score_and_reveal(server, [("c1", "90"), ("c2", "80")], "provisional")
        before = int(server.call("GET", f"/api/competitions/{CID}/board")["seq"])
        published = int(server.admin_post("awards", {"round": "final"})["seq"])
        for lang, prize, provisional in (
            ("zh-CN", "一等奖", "一等奖 暂定"),
            ("en", "First prize", "First prize provisional"),
        ):
            page: Page = browser.new_context(**DESKTOP).new_page()
            page.goto(server.page("audit", server.auditor, lang=lang))
            caption = page.get_by_test_id("board-caption")
            award = page.get_by_test_id("board-table").locator('tr[data-contestant="c1"] td.award')
            expect(caption).to_have_attribute("data-seq", str(published))
            expect(award).to_have_text(prize)  # published: as announced
            page.get_by_test_id("board-seq").fill(str(before))
            page.get_by_test_id("board-seq").press("Enter")
            expect(caption).to_have_attribute("data-seq", str(before))
            expect(award).to_have_text(provisional)
            page.context.close()


# Every timeline record's box and those of its cells, as laid out now.
RECORDS = """() => [...document.querySelectorAll('.timeline tbody tr')].map((tr) => {
  const box = (el) => { const b = el.getBoundingClientRect(); return { left: b.left, right: b.right, top: b.top, height: b.height }; };
  return { seq: tr.dataset.seq, row: box(tr), cells: [...tr.cells].map(box) };
})"""


def test_on_a_phone_the_timeline_is_whole_and_its_records_compact(
    server: Server, browser: Any
) -> None:
    """At 390×844 the timeline's table was cut sideways (its type and content off the
    screen) and its first record was 130 px tall, mostly empty. Each record now
    stacks its parts within the screen's width, as tall as what it says."""
    run_one_contestant(server)
    page: Page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(server.page("audit", server.auditor, lang="zh-CN"))
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-state", "intact")
    expect(page.locator(".timeline tbody tr").first).to_be_visible()
    scroll = page.locator("#timeline .scroll")
    overflow = scroll.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the timeline scrolls {overflow} px sideways"
    card = page.locator("#timeline").bounding_box()
    assert card is not None
    records = page.evaluate(RECORDS)
    assert len(records) > 40
    for record in records:
        for cell in record["cells"]:
            assert cell["left"] >= card["x"] and cell["right"] <= card["x"] + card["width"], record
        top = min(cell["top"] for cell in record["cells"])
        bottom = max(cell["top"] + cell["height"] for cell in record["cells"])
        assert record["row"]["height"] - (bottom - top) <= 16, record  # no empty space
    heights = sorted(r["row"]["height"] for r in records)
    assert heights[len(heights) // 2] <= 64, heights  # most take two lines
    assert heights[-1] <= 110, heights  # the longest, the rules, three lines of content
    assert records[0]["row"]["height"] <= 64, records[0]  # 130 px before

    # a laptop keeps the table: one line of columns per record
    wide: Page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    wide.goto(server.page("audit", server.auditor, lang="zh-CN"))
    expect(wide.locator(".timeline thead")).to_be_visible()
    for record in wide.evaluate(RECORDS)[:20]:
        tops = {round(cell["top"]) for cell in record["cells"]}
        assert len(tops) == 1, record


def test_following_the_show_adds_new_records_without_drawing_the_rest_again(
    server: Server, browser: Any
) -> None:
    """Each new record drew the whole page again: the timeline's records, the
    corrections, the filters' lists, the board (at a rehearsal's 2,700 records, long
    tasks of up to 264 ms while following the show). New records are now appended,
    choosing a record only moves its mark, and the rest stays as it was drawn."""
    run_one_contestant(server)
    page = open_audit(browser, server)
    status = page.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-state", "intact")
    head = int(status.get_attribute("data-head-seq") or 0)
    page.locator('.timeline tr[data-seq="5"] td.seq button').click()
    expect(page.locator('.timeline tr[data-seq="5"]')).to_have_class("selected")
    page.evaluate(
        """() => { window.kept = {
          row: document.querySelector('.timeline tr[data-seq="5"]'),
          correction: document.querySelector('[data-testid="corrections"] > div'),
          judges: document.querySelector('[data-testid="filter-judge"]'),
        }; }"""
    )
    server.admin_post("stage", {"contestant": "102"})
    for judge, mark in (("J7", "88"), ("J8", "86")):
        score(server, judge, "102", mark)
    amended = server.admin_post(
        "amend",
        {
            "judge": "J9",
            "contestant": "101",
            "points": {"content": "80", "delivery": "80", "presence": "80"},
            "reason": "Second look",
        },
    )
    last = int(amended["seq"])
    assert last == head + 5  # called, scoring opened, two sheets, the amendment
    expect(status).to_have_attribute("data-head-seq", str(last))
    expect(page.locator(".timeline tbody tr").last).to_have_attribute("data-seq", str(last))
    expect(page.get_by_test_id("timeline-count")).to_have_text(f"Showing {last} of {last}")
    expect(page.get_by_test_id("corrections").locator(f'[data-seq="{last}"]')).to_contain_text(
        "Second look"
    )
    kept = page.evaluate(
        """() => ({
          row: window.kept.row === document.querySelector('.timeline tr[data-seq="5"]'),
          selected: window.kept.row.classList.contains('selected'),
          correction: window.kept.correction === document.querySelector('[data-testid="corrections"] > div'),
          judges: window.kept.judges === document.querySelector('[data-testid="filter-judge"]'),
        })"""
    )
    assert kept == {"row": True, "selected": True, "correction": True, "judges": True}
    # the filters still reach every record, the new ones too
    page.get_by_test_id("filter-judge").select_option("J9")
    expect(page.locator(".timeline tbody tr").last).to_have_attribute("data-seq", str(last))


def test_judges_totals_have_the_places_the_exports_print(server: Server, browser: Any) -> None:
    """Weights 0.5 / 0.3 / 0.2 on a sheet of one place: a judge's total has two,
    and the timeline and the board print every one with two, as the exports do
    (they showed 84.5 beside 90 and 79)."""
    amended = run_one_contestant(server)
    page = open_audit(browser, server)
    totals = page.get_by_test_id("board-table").locator(".judge-total")
    expect(totals).to_have_text(
        [re.compile(r"90\.00$"), re.compile(r"84\.50$"), re.compile(r"79\.00$")]
    )
    expect(page.locator(f'.timeline tr[data-seq="{amended}"]')).to_contain_text("79.00")


def test_newest_first_puts_new_records_on_top(server: Server, browser: Any) -> None:
    """During the show an auditor looks at what just happened: newest first, the
    records read as the show goes on come on top, and the filters still apply."""
    run_one_contestant(server)
    page = open_audit(browser, server)
    status = page.get_by_test_id("verify-status")
    expect(status).to_have_attribute("data-state", "intact")
    head = int(status.get_attribute("data-head-seq") or 0)
    page.get_by_test_id("timeline-order").select_option("newest")
    rows = page.locator(".timeline tbody tr")
    expect(rows.first).to_have_attribute("data-seq", str(head))
    expect(rows.last).to_have_attribute("data-seq", "1")
    server.admin_post("stage", {"contestant": "102"})
    score(server, "J7", "102", "88")
    last = head + 3  # called, scoring opened, a sheet
    expect(status).to_have_attribute("data-head-seq", str(last))
    expect(rows.first).to_have_attribute("data-seq", str(last))
    seqs = [int(s) for s in rows.evaluate_all("rows => rows.map((r) => r.dataset.seq)")]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == last
    page.get_by_test_id("filter-judge").select_option("J7")
    expect(rows.first).to_have_attribute("data-seq", str(last))
    expect(page.get_by_test_id("timeline-order")).to_have_value("newest")
