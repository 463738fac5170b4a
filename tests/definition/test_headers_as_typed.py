"""Rosters as Chinese organisers type them: headers aligned with an ideographic
space (姓　名) or wrapped in their cell (选手⏎编号), a title above the header,
and groups written by their names (机关组) rather than their ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.catalog import ContestantRegistered
from server.definition import DefinitionError, load_definition
from tests.definition.test_rosters import (
    CONTESTANT_HEADERS,
    INLINE,
    JUDGE_HEADERS,
    _file_with,
    _rows,
    _write_csv,
    _write_xlsx,
)


def _load(tmp_path: Path, headers: list[str], rows: list[list[str]]) -> object:
    _write_csv(tmp_path / "c.csv", headers, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    return load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"'))


def test_headers_typed_with_spaces_or_line_breaks_inside_are_known(tmp_path: Path) -> None:
    headers = ["编\u3000号", "姓 名", "单位", "组\n别", "专家\u00a0评审"]
    assert _load(tmp_path, headers, _rows("contestants.csv")) == load_definition(INLINE)


def test_a_group_written_by_its_name_in_either_language_is_that_group(tmp_path: Path) -> None:
    names = {"agency": "机关组", "enterprise": "Enterprises", "school": "学校 组"}
    rows = [[*row[:3], names[row[3]], row[4]] for row in _rows("contestants.csv")]
    definition = _load(tmp_path, CONTESTANT_HEADERS, rows)
    assert definition == load_definition(INLINE)
    groups = {e.group for e in definition.events if isinstance(e, ContestantRegistered)}
    assert groups == {"agency", "enterprise", "school"}


def test_a_title_above_the_header_is_named_as_such(tmp_path: Path) -> None:
    lines = [["江城市青年宣讲大赛选手名单", None, None, None, None], CONTESTANT_HEADERS]
    lines += _rows("contestants.csv")
    _write_xlsx(tmp_path / "c.xlsx", {"Sheet": lines})
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '"c.xlsx"', '"j.csv"'))
    assert caught.value.line(chinese=False).endswith(
        "; if it is a title above the header, set header_row = 2"
    )
    assert caught.value.line(chinese=True).endswith("如这是表头上方的标题，请设置 header_row = 2")


def test_an_unknown_header_shows_what_one_cannot_see_in_it(tmp_path: Path) -> None:
    headers = [*CONTESTANT_HEADERS[:4], "专家\n意见"]
    with pytest.raises(DefinitionError, match=r'column "专家\[U\+000A\]意见": unknown column'):
        _load(tmp_path, headers, _rows("contestants.csv"))


def test_a_name_with_a_control_character_is_refused_as_such(tmp_path: Path) -> None:
    rows = _rows("contestants.csv")
    rows[0][1] = "李思远\x01"
    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, CONTESTANT_HEADERS, rows)
    assert caught.value.line(chinese=False).startswith(
        'c.csv row 2, column "姓名": expected text, not blank, without control characters'
        " (a tab or a line break aside), found"
    )
    assert "非空白且不含控制字符的文本" in caught.value.line(chinese=True)
