"""A judge of the panel without a total for a contestant says why, in every
format: stood aside (same organisation, or recused by the organiser),
abstained, or not scored when scoring closed."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from events.catalog import RulesSet
from projections.commands import (
    CallContestant,
    CloseScoring,
    RecuseJudge,
    RegisterJudge,
    SubmitScore,
)
from server.exports import FORMATS
from server.exports import headings as h
from server.exports.headings import ExportLanguage
from server.exports.table import NotCounted, Score, Sheet, results_tables
from tests.exports.read import html_tables, table, workbook
from tests.projections.log import Log, competition, judge, perform

PANEL = ("j1", "j2", "j3", "j4", "j5", "j6", "j7")


def show() -> Log:
    """Panel A of seven scores g1; j1 is of c1's organisation, j6 is recused
    for c2 and j7 for everyone. c1: j5 abstains and j6 never scores; c2: the
    others score; c3 has not been called yet."""
    log = Log("nt")
    competition(
        log,
        contestants={"c1": ("Org A", "g1"), "c2": ("Org B", "g1"), "c3": ("Org C", "g1")},
        judges={j: ("Org A" if j == "j1" else f"Org {j}", "A") for j in PANEL},
        panels={"A": ("g1",)},
        rules=RulesSet(aggregation="mean", quorum=2),
    )
    log.ok(RecuseJudge(judge="j7", reason="unwell"))
    log.ok(RecuseJudge(judge="j6", contestant="c2", reason="taught c2"))
    log.ok(CallContestant(contestant="c1"))
    for judge_id, value in (("j2", "8"), ("j3", "9"), ("j4", "7")):
        log.ok(
            SubmitScore(
                contestant="c1",
                points={"score": Decimal(value)},
                submission_id=f"{judge_id}-c1-000",
            ),
            judge(judge_id),
        )
    log.ok(SubmitScore(contestant="c1", abstain=True, submission_id="j5-c1-000"), judge("j5"))
    log.ok(CloseScoring(contestant="c1"))
    perform(log, "c2", {"j1": "6", "j2": "7", "j3": "8", "j4": "9", "j5": "9"})
    return log


def _cells(sheet: Sheet, contestant: str) -> dict[str, object]:
    row = next(r for r in sheet.rows if r[1] == contestant)
    return {c.label or c.heading: v for c, v in zip(sheet.columns, row, strict=True)}


def test_the_tables_say_why_a_judge_of_the_panel_has_no_total() -> None:
    tables = results_tables(show().state, None, "en")
    (group,) = tables.groups
    assert [c.label for c in group.columns if c.key == "judge"] == list(PANEL)
    c1, c2, c3 = (_cells(group, c) for c in ("c1", "c2", "c3"))
    assert c1["j1"] == Score(None, False, "same_organisation")
    assert c1["j5"] == Score(None, False, "abstained")
    assert c1["j6"] == Score(None, False, "not_scored")
    assert c1["j7"] == Score(None, False, "recused")
    assert c1["j2"] == Score(Decimal(8), True)
    assert c2["j6"] == Score(None, False, "recused")
    assert c2["j1"] == Score(Decimal(6), True)  # of c1's organisation, not c2's
    # c3 is still to perform: who stands aside is known, who will score is not
    assert [c3[j] for j in PANEL] == [None] * 6 + [Score(None, False, "recused")]
    not_counted = c1["Not counted"]
    assert isinstance(not_counted, NotCounted)
    assert not_counted.text(tables.about) == (
        "Judge j1: recused (same organisation); Judge j5: abstained; "
        "Judge j6: not scored; Judge j7: recused"
    )
    assert not_counted.text(tables.about, short=True) == (
        "j1 recused (same organisation); j5 abstained; j6 not scored; j7 recused"
    )


def test_the_workbook_says_it_in_the_judges_cells(tmp_path: Path) -> None:
    cases: tuple[tuple[ExportLanguage, tuple[str, ...]], ...] = (
        ("zh-CN", ("回避", "弃权", "未评", "回避")),
        ("en", ("rec.", "abst.", "n.s.", "rec.")),
    )
    for language, words in cases:
        tables = results_tables(show().state, None, language)
        path = tmp_path / f"nt-{language}.xlsx"
        path.write_bytes(FORMATS["xlsx"].write(tables))
        book = workbook(path)
        c1 = next(
            r
            for r in table(book[f"g1{h.MARKS_SHEET.pick(language)}"])
            if r[tables.groups[0].columns[1].heading].value == "c1"
        )
        cells = [c1[j] for j in ("j1", "j5", "j6", "j7")]
        assert tuple(cell.value for cell in cells) == words
        assert all(cell.font.italic and not cell.font.strike for cell in cells)
        assert c1["j2"].value == 8
        results = next(
            r for r in table(book["g1"]) if r[tables.groups[0].columns[1].heading].value == "c1"
        )
        not_counted = _cells(tables.groups[0], "c1")[h.NOT_COUNTED.pick(language)]
        assert isinstance(not_counted, NotCounted)  # by the labels heading the marks
        assert results[h.NOT_COUNTED.pick(language)].value == not_counted.text(
            tables.about, short=True
        )


def test_the_csv_keeps_numbers_in_the_judges_columns_and_says_why_in_not_counted() -> None:
    tables = results_tables(show().state, None, "zh-CN")
    text = FORMATS["csv"].write(tables).decode("utf-8-sig")
    rows = {row["编号"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert [rows["c1"][f"Judge {j}"] for j in PANEL] == ["", "8.00", "9.00", "7.00", "", "", ""]
    assert (
        rows["c1"]["未计入"]
        == "Judge j1：同单位回避；Judge j5：弃权；Judge j6：未评；Judge j7：回避"
    )
    assert rows["c2"]["未计入"] == "Judge j6：回避；Judge j7：回避"


def test_the_page_says_it_in_a_word_as_narrow_as_a_mark() -> None:
    cases: tuple[tuple[ExportLanguage, tuple[str, ...]], ...] = (
        ("zh-CN", ("回避", "弃权", "未评", "回避")),
        ("en", ("rec.", "abst.", "n.s.", "rec.")),
    )
    for language, words in cases:
        tables = results_tables(show().state, None, language)
        page = FORMATS["html"].write(tables).decode()
        _, _, marks, _ = html_tables(page)
        c1 = next(r for r in marks if r[tables.groups[0].columns[1].heading] == "c1")
        assert tuple(c1[j] for j in ("j1", "j5", "j6", "j7")) == words
        assert c1["j2"] == "8.00"
        assert '<span class="none">' in page


def test_a_substitute_has_no_cell_where_scoring_closed_before_they_joined() -> None:
    """A review's export said a substitute had "not scored" every contestant
    scored before they joined; they say so only of those after."""
    log = show()
    log.ok(RegisterJudge(judge="s1", name="Sub", organisation="Org S", panel="A"))
    perform(log, "c3", {"j2": "7", "j3": "8"})
    tables = results_tables(log.state, None, "en")
    (group,) = tables.groups
    c1, c2, c3 = (_cells(group, c) for c in ("c1", "c2", "c3"))
    assert c1["s1"] is None and c2["s1"] is None
    assert c3["s1"] == Score(None, False, "not_scored")
    assert c1["j6"] == Score(None, False, "not_scored")  # of the panel from the start
