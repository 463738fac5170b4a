"""A workbook's numbers read as their cells show them, and a prior score of more
places than the API takes refused (docs/competition-file.md). A review's expert
score from a formula, 256/3 in a cell formatted 0.00 (showing 85.33), was
recorded as 85.33333333333333 and entered the final so; ids formatted 000
(showing 001) became 1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from events.catalog import ContestantRegistered, JudgeRegistered, PriorScoreRecorded
from server.definition import Definition, DefinitionError, load_definition
from tests.definition.test_rosters import (
    CONTESTANT_HEADERS,
    JUDGE_HEADERS,
    _file_with,
    _rows,
    _write_csv,
)


def _workbook(tmp_path: Path, prior: float, prior_format: str, id_format: str) -> Path:
    """The example's people in a workbook: contestant 101's expert score ``prior``
    and every id a number, in cells of the formats given."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CONTESTANT_HEADERS)
    for cid, name, org, group, score in _rows("contestants.csv"):
        sheet.append([int(cid) - 100, name, org, group, prior if cid == "101" else float(score)])
        sheet.cell(sheet.max_row, 1).number_format = id_format
        sheet.cell(sheet.max_row, 5).number_format = prior_format
    judges = book.create_sheet("评委")
    judges.append(JUDGE_HEADERS)
    for jid, name, org, panel in _rows("judges.csv"):
        judges.append([int(jid[1:]), name, org, panel])
        judges.cell(judges.max_row, 1).number_format = '"J"00'
    book.save(tmp_path / "people.xlsx")
    return _file_with(
        tmp_path, '{ file = "people.xlsx" }', '{ file = "people.xlsx", sheet = "评委" }'
    )


def _prior(definition: Definition, contestant: str) -> Decimal:
    (prior,) = [
        e.value
        for e in definition.events
        if isinstance(e, PriorScoreRecorded) and e.contestant == contestant
    ]
    return prior


def test_a_formula_s_value_is_read_to_the_places_its_cell_shows(tmp_path: Path) -> None:
    definition = load_definition(_workbook(tmp_path, 256 / 3, "0.00", "000"))
    assert _prior(definition, "001") == Decimal("85.33")
    contestants = [e.contestant for e in definition.events if isinstance(e, ContestantRegistered)]
    judges = [e.judge for e in definition.events if isinstance(e, JudgeRegistered)]
    assert contestants[:3] == ["001", "002", "003"]
    assert judges[:3] == ["J01", "J02", "J03"]


def test_a_half_is_rounded_away_from_zero_as_the_cell_shows_it(tmp_path: Path) -> None:
    assert _prior(load_definition(_workbook(tmp_path, 86.45, "0.0", "0")), "1") == Decimal("86.5")


def test_a_value_is_never_given_places_it_does_not_have(tmp_path: Path) -> None:
    assert _prior(load_definition(_workbook(tmp_path, 86.0, "0.00", "0")), "1") == Decimal("86")


def test_a_formula_s_value_in_a_general_cell_is_refused_saying_how_to_round_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(_workbook(tmp_path, 256 / 3, "General", "General"))
    assert caught.value.line(chinese=False) == (
        'people.xlsx row 2, column "专家评审": expected at most 4 decimal places, found'
        " 85.33333333333333: a spreadsheet's formula keeps every place whatever its cell"
        " shows; round it there (=ROUND(…, 2)) or give the cell a format of fixed places (0.00)"
    )
    assert "最多 4 位小数" in caught.value.line(chinese=True)


def test_a_csv_prior_of_more_places_than_the_api_takes_is_refused(tmp_path: Path) -> None:
    rows = _rows("contestants.csv")
    rows[0][4] = "85.33333333333333"
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    with pytest.raises(DefinitionError, match="expected at most 4 decimal places"):
        load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"'))


def test_a_prior_s_trailing_zeros_are_no_places(tmp_path: Path) -> None:
    """85.50000 is 85.5, as the API takes it (a review's file was refused)."""
    rows = _rows("contestants.csv")
    rows[0][4] = "85.50000"
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    assert _prior(load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"')), "101") == Decimal(
        "85.5"
    )


@pytest.mark.parametrize(
    ("number_format", "shown"),
    [
        ("0.00_ ", "85.33"),  # Chinese Excel's default 数值 format
        ("0.00_ ;[Red]\\-0.00\\ ", "85.33"),
        ("#,##0.00_);[Red]\\(#,##0.00\\)", "85.33"),
        ("[Red]0.00", "85.33"),
        ('0.0"分"', "85.3"),  # the text is the cell's, the score the number
        ('"¥"0.00', "85.33"),
    ],
)
def test_a_prior_in_a_cell_of_a_decorated_format_is_the_number_it_shows(
    tmp_path: Path, number_format: str, shown: str
) -> None:
    definition = load_definition(_workbook(tmp_path, 256 / 3, number_format, "0"))
    assert _prior(definition, "1") == Decimal(shown)
