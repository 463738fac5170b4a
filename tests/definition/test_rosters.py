"""Contestants and judges from CSV and XLSX files give the events inline ones give."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from events.catalog import JudgeRegistered
from server.definition import DefinitionError, load_definition

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INLINE = EXAMPLES / "contest.toml"

CONTESTANT_HEADERS = ["编号", "姓名", "单位", "组别", "专家评审"]
JUDGE_HEADERS = ["编号", "姓名", "单位", "评委组"]


def _rows(name: str) -> list[list[str]]:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))[1:]


def _file_with(tmp_path: Path, contestants: str, judges: str) -> Path:
    """contest.toml with its people replaced by references to files."""
    text = INLINE.read_text(encoding="utf-8")
    text = text[: text.index("[[contestants]]")]
    text = text.replace(
        'rounding = "half_up"\n',
        f'rounding = "half_up"\ncontestants = {contestants}\njudges = {judges}\n',
    )
    path = tmp_path / "contest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows([headers, *rows])


def _write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, lines in sheets.items():
        sheet = book.create_sheet(title)
        for line in lines:
            sheet.append(line)
    book.save(path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_with_or_without_bom_equals_inline(tmp_path: Path, encoding: str) -> None:
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, _rows("contestants.csv"), encoding)
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), encoding)
    path = _file_with(tmp_path, '"c.csv"', '{ file = "j.csv" }')
    assert load_definition(path) == load_definition(INLINE)


def test_gb18030_csv_is_read_when_named(tmp_path: Path) -> None:
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, _rows("contestants.csv"), "gb18030")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "gb18030")
    path = _file_with(
        tmp_path,
        '{ file = "c.csv", encoding = "gb18030" }',
        '{ file = "j.csv", encoding = "gb18030" }',
    )
    assert load_definition(path) == load_definition(INLINE)
    plain = _file_with(tmp_path, '"c.csv"', '"j.csv"')
    with pytest.raises(DefinitionError, match=r'^c\.csv: not utf-8 text .*encoding = "gb18030"'):
        load_definition(plain)


def test_xlsx_with_typed_cells_equals_inline(tmp_path: Path) -> None:
    """Numbers typed into the workbook: ids as integers, scores as floats."""
    contestants: list[list[object]] = [["ID", "Name", "Organisation", "Group", "expert"]]
    for cid, name, org, group, score in _rows("contestants.csv"):
        contestants.append([int(cid), name, org, group, float(score)])
    judges: list[list[object]] = [["序号", *JUDGE_HEADERS, "备注"]]
    judges += [[n, *row, None] for n, row in enumerate(_rows("judges.csv"), start=1)]
    _write_xlsx(tmp_path / "people.xlsx", {"选手": contestants, "评委": judges})
    path = _file_with(
        tmp_path,
        '{ file = "people.xlsx", sheet = "选手" }',
        '{ file = "people.xlsx", sheet = "评委" }',
    )
    assert load_definition(path) == load_definition(INLINE)


def test_a_title_above_the_header_and_columns_in_any_order(tmp_path: Path) -> None:
    headers = ["组别", "专家评审", "姓名", "编号", "所属单位"]
    rows = [[r[3], r[4], r[1], r[0], r[2]] for r in _rows("contestants.csv")]
    _write_xlsx(
        tmp_path / "c.xlsx", {"Sheet": [["江城市青年宣讲大赛 选手名单"], [], headers, *rows]}
    )
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    path = _file_with(tmp_path, '{ file = "c.xlsx", header_row = 3 }', '"j.csv"')
    assert load_definition(path) == load_definition(INLINE)


def test_custom_columns_and_ignored_columns(tmp_path: Path) -> None:
    headers = ["选手代号", "姓名", "单位", "组别", "专家评审", "联系电话"]
    rows = [[*row, "13800000000"] for row in _rows("contestants.csv")]
    _write_csv(tmp_path / "c.csv", headers, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    path = _file_with(
        tmp_path,
        '{ file = "c.csv", columns = { "选手代号" = "id" }, ignore = ["联系电话"] }',
        '"j.csv"',
    )
    assert load_definition(path) == load_definition(INLINE)


def test_shadow_judges_from_a_yes_no_column(tmp_path: Path) -> None:
    rows = [[*row, "否"] for row in _rows("judges.csv")]
    rows.append(["J10", "见习评委", "江城大学", "C", "是"])
    _write_csv(tmp_path / "j.csv", [*JUDGE_HEADERS, "见习"], rows, "utf-8")
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, _rows("contestants.csv"), "utf-8")
    definition = load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"'))
    shadows = [e.judge for e in definition.events if isinstance(e, JudgeRegistered) and e.shadow]
    assert shadows == ["J10"]


# --- mistakes in a spreadsheet name its file, row and column -------------


def _csv_mistake(tmp_path: Path, headers: list[str], rows: list[list[str]]) -> str:
    _write_csv(tmp_path / "c.csv", headers, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"'))
    message = str(caught.value)
    assert "\n" not in message
    return message


def _with_cell(row: int, column: int, value: str) -> list[list[str]]:
    rows = _rows("contestants.csv")
    rows[row][column] = value
    return rows


def test_unknown_group_in_a_row(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, CONTESTANT_HEADERS, _with_cell(4, 3, "enterprize"))
    assert message == (
        'c.csv row 6, column "组别": unknown group "enterprize"; '
        'expected one of: "agency", "enterprise", "school"'
    )


def test_empty_required_cell(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, CONTESTANT_HEADERS, _with_cell(0, 2, ""))
    assert message == 'c.csv row 2, column "单位": empty; a value is required'


def test_bad_id_in_a_row(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, CONTESTANT_HEADERS, _with_cell(2, 0, "1 03"))
    assert message.startswith('c.csv row 4, column "编号": expected an id')
    assert message.endswith('found "1 03"')


def test_prior_score_that_is_not_a_number(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, CONTESTANT_HEADERS, _with_cell(11, 4, "八十六"))
    assert message == 'c.csv row 13, column "专家评审": expected a number, found "八十六"'


def test_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, CONTESTANT_HEADERS, _with_cell(5, 0, "101"))
    assert message == 'c.csv row 7, column "编号": contestant id "101" is already used by row 2'


def test_unknown_column(tmp_path: Path) -> None:
    message = _csv_mistake(tmp_path, [*CONTESTANT_HEADERS[:4], "专家分"], _rows("contestants.csv"))
    assert message.startswith('c.csv: column "专家分": unknown column; expected id/编号')
    assert "ignore" in message


def test_missing_column(tmp_path: Path) -> None:
    rows = [row[:3] + row[4:] for row in _rows("contestants.csv")]
    message = _csv_mistake(tmp_path, ["编号", "姓名", "单位", "专家评审"], rows)
    assert message.startswith('c.csv: no column for "group" (组别)')


def test_missing_file_and_missing_sheet(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"^absent\.csv: cannot read: No such file"):
        load_definition(_file_with(tmp_path, '"absent.csv"', '"absent.csv"'))
    _write_xlsx(tmp_path / "p.xlsx", {"选手": [CONTESTANT_HEADERS]})
    path = _file_with(tmp_path, '{ file = "p.xlsx", sheet = "评委" }', '"p.xlsx"')
    with pytest.raises(
        DefinitionError, match=r'^p\.xlsx, sheet "评委": no sheet "评委"; the workbook has "选手"$'
    ):
        load_definition(path)


def test_xlsx_row_numbers_count_the_rows_people_see(tmp_path: Path) -> None:
    lines: list[list[object]] = [list(CONTESTANT_HEADERS)]
    for number, row in enumerate(_rows("contestants.csv")):
        lines.append([None] * 5 if number == 3 else list(row))
    lines[10][4] = Decimal("860")
    _write_xlsx(tmp_path / "c.xlsx", {"Sheet": lines})
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '"c.xlsx"', '"j.csv"'))
    assert str(caught.value) == (
        'c.xlsx row 11, column "专家评审": expected a number from 0 to 100 '
        "(the scale of the scoresheet), found 860"
    )
