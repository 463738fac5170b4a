"""The workbook of a full-size show read back with openpyxl, as a spreadsheet
program would print it: every sheet set for A4 landscape, fitted to the
page's width (not its height) at a legible size, its heading row repeated
and frozen; each group as its results, then its marks under the judges'
labels with a key of their names; every judge's mark there, with its value
or why there is none.

The rehearsal that found the group sheets unreadable: 100 contestants in 4
groups, panels of 20 judges. One sheet a group with every judge's mark
beside the results had 31 columns, some 570 characters wide: fitted to the
page, about a quarter of its size (11 pt text printed at under 3 pt)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from projections.state import Competition
from server.exports import FORMATS
from server.exports import headings as h
from server.exports.headings import ExportLanguage
from server.exports.table import Score, Sheet, results_tables
from server.exports.xlsx import MIN_SCALE, PAGE_WIDTH_PX, column_px
from tests.exports.full_size import full_size_show
from tests.exports.read import HEADING_ROW, key, number, table, workbook

LANGS: tuple[ExportLanguage, ...] = ("zh-CN", "en")
SHEET_NAMES = {
    "zh-CN": [
        "总排名",
        "国有企业组（电力、通信及能源类）",
        "国有企业组（电力、通信及能源类） 评委评分",
        "医疗卫生及教育事业单位组",
        "医疗卫生及教育事业单位组 评委评分",
        "党政机关组",
        "党政机关组 评委评分",
        "高校及青年组",
        "高校及青年组 评委评分",
        "评委",
    ],
    "en": [
        "Overall",
        "State-owned enterprises",  # titles are cut to 31 characters, after a word
        "State-owned enterprises marks",
        "Hospitals, schools and",
        "Hospitals, schools and marks",
        "Government departments",
        "Government departments marks",
        "Universities and youth",
        "Universities and youth marks",
        "Judges",
    ],
}


@pytest.fixture(scope="module")
def rehearsal() -> Competition:
    return full_size_show(panel=20, groups=4, members=25)


def write(directory: Path, state: Competition, lang: ExportLanguage) -> tuple[Any, Any]:
    """The workbook of ``state``'s results, written to a file and read back; its tables."""
    tables = results_tables(state, None, lang)
    path = directory / f"results-{lang}.xlsx"
    path.write_bytes(FORMATS["xlsx"].write(tables))
    return workbook(path), tables


def widths(sheet: Any) -> list[float]:
    return [
        sheet.column_dimensions[get_column_letter(col)].width
        for col in range(1, sheet.max_column + 1)
    ]


def print_scale(sheet: Any) -> float:
    """The size a program prints ``sheet`` at, fitted to one page's width:
    the printable width (A4 landscape less the sheet's own margins) over the
    columns' (seven pixels a character of Calibri 11, as Excel draws them)."""
    margins = sheet.page_margins
    printable = (297 / 25.4 - margins.left - margins.right) * 96
    return min(1.0, printable / sum(column_px(width) for width in widths(sheet)))


def assert_prints_on_a4(sheet: Any, pages: int = 1) -> None:
    setup = sheet.page_setup
    assert setup.paperSize == 9 and setup.orientation == "landscape"  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (pages, 0), sheet.title
    assert sheet.print_title_rows == f"${HEADING_ROW}:${HEADING_ROW}"
    assert sheet.freeze_panes == f"D{HEADING_ROW + 1}"
    assert sheet.oddFooter.right.text == h.PAGE.pick("en" if sheet.title[0].isascii() else "zh-CN")


def assert_every_mark_is_there(sheet: Any, group: Sheet, lang: ExportLanguage) -> int:
    """Each contestant's row holds every judge of the panel under the judge's
    label: the total (struck through when it does not count) or why there is
    none; the key under the table names each label's judge. The marks seen."""
    rows = {row["ID"].value if lang == "en" else row["编号"].value: row for row in table(sheet)}
    judges = [column for column in group.columns if column.key == "judge"]
    assert key(sheet) == {column.label: column.detail for column in judges}
    seen = 0
    for line in group.rows:
        got = rows[line[1]]
        for column, value in zip(group.columns, line, strict=True):
            if column.key != "judge":
                continue
            assert isinstance(value, Score), (line[1], column.label)
            cell = got[column.label]
            if value.value is None:
                assert cell.value == h.NO_TOTAL_SHORT[value.reason or ""].pick(lang)
                assert cell.font.italic
            else:
                assert number(cell.value) == value.value, (line[1], column.label)
                assert isinstance(value.value, Decimal)
                assert bool(cell.font.strike) is not value.counted
            seen += 1
    return seen


@pytest.mark.parametrize("lang", LANGS)
def test_the_rehearsals_workbook_prints_every_sheet_legibly_on_a4(
    rehearsal: Competition, tmp_path: Path, lang: ExportLanguage
) -> None:
    book, tables = write(tmp_path, rehearsal, lang)
    assert book.sheetnames == SHEET_NAMES[lang]
    overall, *groups, judges = book.worksheets
    results, marks = groups[::2], groups[1::2]
    assert overall.max_column == 11 and judges.max_column == 11
    # results: rank, ID, contestant, organisation, two terms, final, award, status, not counted
    assert {sheet.max_column for sheet in results} == {10}
    # marks: rank, ID, contestant, the panel's 20 judges, the aggregate
    assert {sheet.max_column for sheet in marks} == {3 + 20 + 1}
    for sheet in book.worksheets:
        assert_prints_on_a4(sheet)
        assert print_scale(sheet) >= MIN_SCALE, (sheet.title, print_scale(sheet))
    for sheet, group in zip(marks, tables.groups, strict=True):
        assert [c.value for c in sheet[HEADING_ROW]][3:-1] == [
            c.label for c in group.columns if c.key == "judge"
        ]
        assert assert_every_mark_is_there(sheet, group, lang) == 25 * 20
    for sheet in results:  # the judges named by their labels, as on the marks
        said = " ".join(str(row[h.NOT_COUNTED.pick(lang)].value) for row in table(sheet))
        assert said.count("J") >= 2 * 25 and "Catherine" not in said


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_name_wraps_in_its_column_and_its_row_is_as_tall_as_it(
    rehearsal: Competition, tmp_path: Path, lang: ExportLanguage
) -> None:
    """The contestant, organisation and "not counted" columns wrap within a
    width rather than widening the sheet; a row is given the height of its
    lines (no program fits it when printing), a line more for Chinese."""
    book, _ = write(tmp_path, rehearsal, lang)
    sheet = book.worksheets[1]
    headings = [c.value for c in sheet[HEADING_ROW]]
    contestant = headings.index(h.CONTESTANT.pick(lang)) + 1
    width = sheet.column_dimensions[get_column_letter(contestant)].width
    assert width <= 60
    longest = max(
        range(HEADING_ROW + 1, HEADING_ROW + 26),
        key=lambda r: len(str(sheet.cell(r, contestant).value)),
    )
    cell = sheet.cell(longest, contestant)
    assert cell.alignment.wrap_text
    # 国网江苏省电力有限公司南通供电分公司调度控制中心“红色引擎”宣讲小分队: 70 columns of Chinese
    assert sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(cell.value)) > width
    assert sheet.row_dimensions[longest].height >= 2 * 15


def test_a_panel_of_40_judges_prints_its_marks_on_two_pages_wide(tmp_path: Path) -> None:
    """A marks sheet too wide for one page at a legible size is fitted to
    two pages' width, each repeating the rank, ID and contestant: the same
    cut as the printed page's two tables of 20."""
    state = full_size_show(panel=40)
    for lang in LANGS:
        book, tables = write(tmp_path, state, lang)
        marks = book.worksheets[2:-1:2]
        assert len(marks) == 2
        for sheet, group in zip(marks, tables.groups, strict=True):
            assert sheet.max_column == 3 + 40 + 1
            assert_prints_on_a4(sheet, pages=2)
            assert sheet.print_title_cols == "$A:$C"
            # at the least legible size, the judges' columns fill two pages
            # beside the repeated three, and would not fit one
            columns = [column_px(width) for width in widths(sheet)]
            room = PAGE_WIDTH_PX / MIN_SCALE - sum(columns[:3])
            assert sum(columns[3:]) > room
            first = next(n for n in range(3, len(columns)) if sum(columns[3 : n + 1]) > room)
            assert sum(columns[first:]) <= room
            assert assert_every_mark_is_there(sheet, group, lang) == 10 * 40
        for sheet in book.worksheets[:2] + book.worksheets[3:-1:2] + book.worksheets[-1:]:
            assert_prints_on_a4(sheet)
            assert print_scale(sheet) >= MIN_SCALE, (sheet.title, print_scale(sheet))
