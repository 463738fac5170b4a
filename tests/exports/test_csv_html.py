"""The CSV parsed with the csv module; the printable page searched as text."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from events.catalog import RulesSet
from projections.board import board
from projections.commands import ConfirmPaperSheet
from server.exports import FORMATS
from server.exports.table import results_tables
from tests.exports.contest import state
from tests.exports.read import export_file, html_tables, workbook
from tests.projections.log import Log, competition, perform
from tests.projections.test_paper_sheets import LI, WANG, paper, show


def test_csv_is_the_overall_table_with_a_bom_and_a_group_column(tmp_path: Path) -> None:
    competition = state()
    raw = export_file(tmp_path, competition, "csv", "zh-CN").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    view = board(competition, public=False)
    assert [r["编号"] for r in rows] == [r.contestant for r in view.overall]
    for got, row in zip(rows, view.overall, strict=True):
        assert got["组别"] == row.group
        assert got["名次"] == ("" if row.rank is None else str(row.rank))
        assert got["最终得分"] == ("" if row.final is None else f"{row.final:.2f}")
        assert got["评委得分"] == ("" if row.aggregate is None else f"{row.aggregate:.2f}")
    first = rows[0]
    assert first["选手"] == "Contestant c2" and first["奖项"] == "金奖"
    assert first["Judge j1"] == "8.00" and first["专家评审 ×0.3"] == "9.00"
    assert first["未计入"] == "Judge j4：去掉最低分；Judge j5：去掉最高分"
    c1 = next(r for r in rows if r["编号"] == "c1")
    assert c1["专家评审 ×0.3"] == "7.125"


def test_html_is_self_contained_and_names_every_contestant_and_the_head(tmp_path: Path) -> None:
    competition = state()
    page = export_file(tmp_path, competition, "html", "en").read_text(encoding="utf-8")
    for contestant in competition.contestants.values():
        assert contestant.name in page and f">{contestant.id}<" in page
    assert competition.head_hash in page and f">{competition.seq}<" in page
    assert '<html lang="en">' in page
    assert "@page { size: A4 landscape" in page and "@media print" in page
    assert not re.search(r"(src|href)=|@import|url\(|<script|<link", page)
    assert "<s>7.50</s>" in page  # c1's lowest, dropped
    assert "Provisional (not yet finalised)" in page
    assert page.count("<section>") == 4  # overall, g1, g2, judges


def test_html_in_chinese_after_the_awards(tmp_path: Path) -> None:
    competition = state(publish=True)
    page = export_file(tmp_path, competition, "html", "zh-CN").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert "最终成绩（主办方已确认）" in page and "暂定" not in page
    assert '<th class="rank">名次</th>' in page and "金奖" in page and "退赛" in page


def test_a_paper_sheet_names_who_keyed_it_in_and_who_confirmed_it() -> None:
    log = show()
    log.ok(paper(), LI)
    log.ok(ConfirmPaperSheet(sheet="paper-j3-c1"), WANG)
    for language, expected in (
        ("en", "c1: keyed in by admin.li, confirmed by admin.wang"),
        ("zh-CN", "c1：admin.li 代录，admin.wang 确认"),
    ):
        judges = {row[0]: row[-1] for row in results_tables(log.state, None, language).judges.rows}
        assert judges == {"j1": "", "j2": "", "j3": expected}


def test_html_ranking_leaves_the_judges_to_the_groups_and_names_the_unranked() -> None:
    tables = results_tables(state(), None, "en")
    page = FORMATS["html"].write(tables).decode()
    ranking, g1, g1_marks, g2, g2_marks, _ = html_tables(page)
    assert list(ranking[0]) == [
        "Rank",
        "Contestant",
        "Organisation",
        "Group",
        "Aggregate ×0.7",
        "Review ×0.3",
        "Final",
        "Award",
        "Status",  # c5 is still to perform
    ]
    assert [(r["Contestant"], r["Status"]) for r in ranking if r["Status"]] == [
        ("Contestant c5", "Pending")
    ]
    assert ranking[0]["Rank"] == "1" and ranking[0]["Review ×0.3"] == "9.00"
    for group in (g1, g2):  # each group's results, then the judges' marks
        assert list(group[0]) == [
            "Rank",
            "ID",
            "Contestant",
            "Organisation",
            "Aggregate ×0.7",
            "Review ×0.3",
            "Final",
            "Award",
            "Status",
            "Not counted",
        ]
    for marks in (g1_marks, g2_marks):  # headed by the judges' ids, a key below
        judges = [f"j{i}" for i in range(1, 6)]
        assert list(marks[0]) == ["Rank", "ID", "Contestant", *judges, "Aggregate"]
    assert "<b>j1</b> Judge j1</span>" in page
    c1 = next(r for r in g1 if r["ID"] == "c1")
    assert c1["Not counted"] == "j3 lowest dropped; j5 highest dropped"
    published = results_tables(state(publish=True), None, "zh-CN")
    ranking = html_tables(FORMATS["html"].write(published).decode())[0]
    assert [(r["选手"], r["状态"]) for r in ranking if r["状态"]] == [("Contestant c5", "退赛")]


def test_every_export_with_a_header_says_when_it_was_issued(tmp_path: Path) -> None:
    issued = datetime(2026, 5, 16, 21, 4, 9, tzinfo=timezone(timedelta(hours=8)))
    for language, label in (("zh-CN", "发布时间"), ("en", "Issued")):
        tables = results_tables(state(), None, language, issued)
        page = FORMATS["html"].write(tables).decode()
        assert f'<dt>{label}</dt><dd class="issued">2026-05-16 21:04:09 UTC+08:00</dd>' in page
        assert f'<dd class="hash">{tables.about.head_hash}</dd><dt>{label}</dt>' in page
        path = tmp_path / f"r-{language}.xlsx"
        path.write_bytes(FORMATS["xlsx"].write(tables))
        sheet = workbook(path).worksheets[0]
        assert (sheet["A6"].value, sheet["B6"].value) == (label, "2026-05-16 21:04:09 UTC+08:00")


def _one_panel(stream: str, judges: tuple[str, ...]) -> Log:
    """Two contestants of one group, scored by ``judges``, each of an organisation of their own."""
    log = Log(stream)
    competition(
        log,
        contestants={"c1": ("Org 1", "g1"), "c2": ("Org 2", "g1")},
        judges={j: (f"Org {j}", "A") for j in judges},
        panels={"A": ("g1",)},
        rules=RulesSet(aggregation="mean", quorum=2),
    )
    return log


def test_long_judge_ids_head_the_printed_marks_as_numbers_with_a_key() -> None:
    """An id up to five characters heads its judge's printed column; where
    one is longer, every judge of the table is numbered in the order the
    judges were registered, and the key under the table names each with the id."""
    judges = ("expert-zhang", "expert-li", "wang")
    log = _one_panel("ids", judges)
    perform(log, "c1", {"expert-zhang": "8", "expert-li": "7", "wang": "9"})
    tables = results_tables(log.state, None, "en")
    page = FORMATS["html"].write(tables).decode()
    _, _, marks, _ = html_tables(page)
    assert list(marks[0])[3:6] == ["#1", "#2", "#3"]
    assert [marks[0][n] for n in ("#1", "#2", "#3")] == ["8.00", "7.00", "9.00"]
    assert "<b>#1</b> Judge expert-zhang (expert-zhang)</span>" in page
    assert "<b>#3</b> Judge wang (wang)</span>" in page
    # the workbook and the CSV keep the names, which have room
    (group,) = tables.groups
    assert [c.heading for c in group.columns if c.key == "judge"] == [
        "Judge expert-zhang",
        "Judge expert-li",
        "Judge wang",
    ]


def test_judges_columns_follow_the_order_they_were_registered_in() -> None:
    """A rehearsal's export headed J1, J10, J2 …: the ids sorted as strings."""
    judges = tuple(f"J{n}" for n in range(1, 12))
    log = _one_panel("order", judges)
    perform(log, "c1", {j: f"{n % 10}.5" for n, j in enumerate(judges, 1)})
    (group,) = results_tables(log.state, None, "en").groups
    assert [c.label for c in group.columns if c.key == "judge"] == list(judges)
