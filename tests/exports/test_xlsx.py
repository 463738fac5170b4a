"""The XLSX announcement read back with openpyxl and compared with the board."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from projections.audit import audit
from projections.board import BoardRow, board
from tests.exports.contest import JUDGES, results_log, state
from tests.exports.read import HEADING_ROW, export_file, key, number, table, workbook


def assert_rows_are_the_boards(cells: list[dict[str, Any]], rows: tuple[BoardRow, ...]) -> None:
    assert [c["ID"].value for c in cells] == [r.contestant for r in rows]
    for got, row in zip(cells, rows, strict=True):
        value = {heading: cell.value for heading, cell in got.items()}
        assert value["Rank"] == row.rank
        assert value["Contestant"] == row.name
        assert value["Organisation"] == row.organisation
        assert number(value["Final"]) == row.final
        assert number(value["Review ×0.3"]) == row.components[1].value
        assert number(value["Aggregate ×0.7"]) == row.components[0].value
        assert value["Award"] == (row.award_name.en if row.award_name else None)
        assert not any("s1" in str(heading) for heading in got)


def assert_marks_are_the_boards(cells: list[dict[str, Any]], rows: tuple[BoardRow, ...]) -> None:
    """A marks sheet: each judge's total under the judge's label, struck
    through where it does not count, then the aggregate."""
    assert [c["ID"].value for c in cells] == [r.contestant for r in rows]
    for got, row in zip(cells, rows, strict=True):
        assert got["Rank"].value == row.rank and got["Contestant"].value == row.name
        assert number(got["Aggregate"].value) == row.aggregate
        for mark in (m for m in row.judges if not m.shadow):
            cell = got[mark.judge]
            assert number(cell.value) == mark.total
            assert bool(cell.font.strike) is (not mark.counted)
        assert "s1" not in got


def test_every_sheet_holds_the_board_of_the_round(tmp_path: Path) -> None:
    competition = state()
    view = board(competition, public=False)
    book = workbook(export_file(tmp_path, competition, "xlsx"))
    assert book.sheetnames == ["Overall", "g1", "g1 marks", "g2", "g2 marks", "Judges"]
    overall = table(book["Overall"])
    assert_rows_are_the_boards(overall, view.overall)
    assert number(overall[0]["Aggregate"].value) == view.overall[0].aggregate
    assert [c["Group"].value for c in overall] == [r.group for r in view.overall]
    assert overall[-1]["Status"].value == "Pending"
    for group in view.groups:
        assert_rows_are_the_boards(table(book[group.group]), group.rows)
        assert_marks_are_the_boards(table(book[f"{group.group} marks"]), group.rows)
        assert key(book[f"{group.group} marks"]) == {j: f"Judge {j}" for j in JUDGES}
    # the judges are named by the labels that head the marks
    dropped = {c["ID"].value: c["Not counted"].value for c in table(book["g1"])}
    assert dropped["c1"] == "j3 lowest dropped; j5 highest dropped"
    assert {c["ID"].value: c["Not counted"].value for c in table(book["g2"])}["c5"] is None


def test_the_overall_sheet_is_the_standings_and_each_mark_is_on_its_groups_sheet(
    tmp_path: Path,
) -> None:
    """The overall sheet leaves the judges to the groups' marks sheets, where
    each column is a judge of the group's panel: no column is empty, no mark lost."""
    competition = state()
    book = workbook(export_file(tmp_path, competition, "xlsx"))
    assert not [c.value for c in book["Overall"][HEADING_ROW] if str(c.value).startswith("Judge")]
    assert book["Overall"]["A8"].value == "Each judge's marks are in the tables of the groups"
    marks = {
        (row.contestant, mark.judge): mark.total
        for row in board(competition, public=False).overall
        for mark in row.judges
        if not mark.shadow and mark.total is not None
    }
    found = {}
    for group in ("g1", "g2"):
        for row in table(book[f"{group} marks"]):
            for heading, cell in row.items():
                if heading in JUDGES and cell.value is not None:
                    found[(row["ID"].value, heading)] = number(cell.value)
    assert found == marks


def test_the_judges_sheet_is_the_audit(tmp_path: Path) -> None:
    competition = state()
    book = workbook(export_file(tmp_path, competition, "xlsx"))
    rows = table(book["Judges"])
    judges = audit(competition).judges
    assert [r["Judge"].value for r in rows] == [j.judge for j in judges]
    for row, judge in zip(rows, judges, strict=True):
        assert number(row["Severity"].value) == judge.severity
        assert number(row["Consistency"].value) == judge.consistency
        assert row["Consistency"].number_format == "0.000"
        assert row["Severity"].number_format == "0.00"
        assert row["Sheets"].value == len(judge.sheets) == 4
        assert row["Shadow"].value == ("yes" if judge.shadow else None)
    assert [r["Judge"].value for r in rows if r["Shadow"].value] == ["s1"]


def test_numbers_are_numbers_with_the_competitions_places(tmp_path: Path) -> None:
    path = export_file(tmp_path, state(), "xlsx")
    first = table(workbook(path)["Overall"])[0]
    assert table(workbook(path)["g1 marks"])[0]["j1"].number_format == "0.00"
    for heading in ("Aggregate", "Final", "Aggregate ×0.7"):
        assert isinstance(first[heading].value, int | float), heading
        assert first[heading].number_format == "0.00", heading
    assert first["Rank"].value == 1 and first["Rank"].number_format == "0"
    c1 = next(r for r in table(workbook(path)["Overall"]) if r["ID"].value == "c1")
    # a prior score with more places than the competition keeps them all
    assert c1["Review ×0.3"].number_format == "0.000" and c1["Review ×0.3"].value == 7.125
    # the cells hold the decimals' own digits, not a float's 16-digit rendering
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert {"8.17", "8.42", "7.125", "9.17"} <= set(values)
    assert not [v for v in values if re.search(r"\d{10}", v)]


def test_one_decimal_place_is_the_format_of_a_one_place_competition(tmp_path: Path) -> None:
    competition = results_log(decimals=1).state
    rows = table(workbook(export_file(tmp_path, competition, "xlsx"))["Overall"])
    view = board(competition, public=False)
    assert rows[0]["Final"].number_format == "0.0"
    assert number(rows[0]["Final"].value) == view.overall[0].final == Decimal("8.4")


def test_chinese_headings(tmp_path: Path) -> None:
    book = workbook(export_file(tmp_path, state(), "xlsx", "zh-CN"))
    assert book.sheetnames == ["总排名", "g1", "g1 评委评分", "g2", "g2 评委评分", "评委"]
    headings = [c.value for c in book["总排名"][HEADING_ROW]]
    assert headings[:5] == ["名次", "编号", "选手", "单位", "组别"]
    assert headings[5:] == [
        "评委得分",
        "评委得分 ×0.7",
        "专家评审 ×0.3",
        "最终得分",
        "奖项",
        "状态",
    ]
    assert [c.value for c in book["g1"][HEADING_ROW]][-6:] == [
        "评委得分 ×0.7",
        "专家评审 ×0.3",
        "最终得分",
        "奖项",
        "状态",
        "未计入",
    ]
    assert [c.value for c in book["评委"][HEADING_ROW]][-3:] == [
        "宽严度",
        "一致性",
        "代录纸质评分表",
    ]
    first = table(book["总排名"])[0]
    assert first["奖项"].value == "金奖" and first["状态"].value == "已评"
    assert book["总排名"]["A7"].value == "成绩状态"
    assert book["总排名"]["B7"].value == "暂定成绩（尚未确定为最终成绩）"


def test_english_headings(tmp_path: Path) -> None:
    book = workbook(export_file(tmp_path, state(), "xlsx", "en"))
    standings = [c.value for c in book["Overall"][HEADING_ROW]]
    assert standings == [
        "Rank",
        "ID",
        "Contestant",
        "Organisation",
        "Group",
        "Aggregate",
        "Aggregate ×0.7",
        "Review ×0.3",
        "Final",
        "Award",
        "Status",
    ]
    headings = [c.value for c in book["g2"][HEADING_ROW]]
    assert headings == [
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
    marks = [c.value for c in book["g2 marks"][HEADING_ROW]]
    assert marks == ["Rank", "ID", "Contestant", *JUDGES, "Aggregate"]
    assert [c.value for c in book["Judges"][HEADING_ROW]] == [
        "Judge",
        "Name",
        "Organisation",
        "Panel",
        "Shadow",
        "Sheets",
        "Corrections",
        "Flagged",
        "Severity",
        "Consistency",
        "Paper sheets keyed in",
    ]


def test_the_header_block_commits_to_the_log(tmp_path: Path) -> None:
    provisional = state()
    sheet = workbook(export_file(tmp_path, provisional, "xlsx"))["g2"]
    assert [sheet.cell(r, 1).value for r in range(2, 8)] == [
        "Competition",
        "Round",
        "Log head seq",
        "Log head hash",
        "Issued",
        "Results",
    ]
    assert sheet["B2"].value == "Test" and sheet["B3"].value == "Final"
    assert sheet["B4"].value == provisional.seq
    assert sheet["B5"].value == provisional.head_hash
    assert sheet["B7"].value == "Provisional (not yet finalised)"
    published = state(publish=True)
    sheet = workbook(export_file(tmp_path, published, "xlsx"))["g2"]
    assert sheet["B4"].value == published.seq > provisional.seq
    assert sheet["B5"].value == published.head_hash
    assert sheet["B7"].value == "Final (finalised by the organiser)"


def test_frozen_headings_and_columns_sized_to_their_contents(tmp_path: Path) -> None:
    sheet = workbook(export_file(tmp_path, state(), "xlsx"))["g1"]
    assert sheet.freeze_panes == f"D{HEADING_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADING_ROW}:${HEADING_ROW}"
    widths = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[HEADING_ROW]}
    assert widths["Not counted"] >= len("j3 lowest dropped; j5 highest dropped")
    assert widths["Contestant"] >= len("Contestant c1")
    assert widths["Rank"] >= len("Log head hash")  # the header block's labels fit
    zh = workbook(export_file(tmp_path, state(), "xlsx", "zh-CN"))["总排名"]
    zh_widths = {c.value: zh.column_dimensions[c.column_letter].width for c in zh[HEADING_ROW]}
    # a heading of four Chinese characters wraps onto two lines over a column of figures
    assert zh_widths["最终得分"] >= 5
    assert (
        zh.cell(HEADING_ROW, 9).value == "最终得分" and zh.cell(HEADING_ROW, 9).alignment.wrap_text
    )
    assert zh_widths["组别"] >= 4 and zh_widths["选手"] >= len("Contestant c1")
