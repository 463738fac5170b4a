"""Every kind of mistake in a competition file is also said in Chinese, with no
English left but field names, values and the names of formats."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

import msgspec
import pytest

from server.definition import (
    CompetitionFile,
    DefinitionError,
    load_definition,
    load_definition_text,
)
from server.explain import explain
from server.mistake import Bilingual
from tests.definition.test_mistakes import EXAMPLES, LAST, MISTAKES, TEXT, _edit
from tests.definition.test_rosters import (
    CONTESTANT_HEADERS,
    JUDGE_HEADERS,
    _file_with,
    _rows,
    _with_cell,
    _write_csv,
    _write_xlsx,
)
from tests.pages.test_languages import CJK, LATIN_WORD


def _field_names(target: object, seen: set[object]) -> set[str]:
    """Every field name and literal value reachable from ``target``."""
    names: set[str] = set()
    while typing.get_origin(target) is typing.Annotated:
        target = typing.get_args(target)[0]
    if target in seen:
        return names
    seen.add(target)
    if typing.get_origin(target) is typing.Literal:
        return {str(value) for value in typing.get_args(target)}
    if isinstance(target, type) and issubclass(target, msgspec.Struct):
        for field in msgspec.structs.fields(target):
            names.add(field.encode_name)
            names |= _field_names(field.type, seen)
    elif typing.get_origin(target) is not None or isinstance(target, types.UnionType):
        for arg in typing.get_args(target):
            names |= _field_names(arg, seen)
    return names


ALLOWED = {
    *(part for name in _field_names(CompetitionFile, set()) for part in name.split("_")),
    *("file", "sheet", "columns", "ignore", "encoding", "prior"),  # a roster reference's fields
    *("trimmed_mean", "closest_pair", "true", "false", "NaN", "id", "zh", "CN", "en"),
    *("TOML", "CSV", "UTF", "XLSX", "csv", "xlsx", "Excel", "Windows", "gb18030", "utf"),
}
"""Latin words a Chinese message may hold: names of fields and values of the file."""


def stray_english(text: str) -> list[str]:
    """Latin words in ``text`` outside quoted values that are not field names or formats."""
    unquoted = re.sub(r'"[^"]*"', "", text)
    unquoted = re.sub(r"'[^']*'", "", unquoted)
    return [
        word
        for word in LATIN_WORD.findall(unquoted)
        if word not in ALLOWED and word.lower() not in ALLOWED
    ]


def assert_chinese(error: DefinitionError) -> None:
    # a field path (the same in both languages) is names the organiser wrote
    where = error.where.zh if error.where and error.where.zh != error.where.en else ""
    for text in (error.problem.zh, where):
        assert not stray_english(text), f"English left in {text!r}: {stray_english(text)}"
    assert CJK.search(error.problem.zh), error.problem.zh
    assert error.line(chinese=False) == str(error)


def _refused(text: str, base_dir: Path = EXAMPLES) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(text, base_dir, name="contest.toml")
    return caught.value


MSGSPEC_KINDS = [
    (_edit("decimals = 2", "decimals = 9"), "应为不大于 4 的整数，实际为 9"),
    (_edit("decimals = 2", "decimals = -1"), "应为不小于 0 的整数，实际为 -1"),
    (_edit('id = "304"', 'id = "' + "x" * 70 + '"'), "应为至多 64 个字符的文本"),
    (_edit('name = "何欣然"', 'name = ""'), '应为至少 1 个字符的文本，实际为 ""'),
    (_edit('id = "304"', 'id = "#x"'), "应为编号（字母、数字及 _ . -，以字母或数字开头"),
    (_edit('id = "304"', 'id = ["a"]'), "应为文本，实际为 一个列表"),
    (_edit(LAST, LAST.replace("prior = { expert = 86 }", "prior = 3")), "应为表，实际为 3"),
    (_edit("prior = { expert = 86 }", 'prior = { "#$" = 3 }'), "键名应为编号"),
    (_edit('languages = ["zh-CN", "en"]', "languages = []"), "应为至少 1 项的列表"),
    (
        _edit('rounding = "half_up"', 'rounding = "up"'),
        '应为 "half_up"、"half_even" 之一，实际为 "up"',
    ),
    (_edit('id = "304"', 'id = "304"\ngrup = "school"'), "没有这个字段；可用的字段有：id、name"),
    (_edit('organisation = "江城职业技术学院"\n', ""), "缺少此项；这一项必填"),
    (_edit("weight = 0.6", "weight = -5"), "应为大于 0 的数，实际为 -5"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m[:60] for _, m in MISTAKES])
def test_each_mistake_has_a_chinese_message(text: str, message: str) -> None:
    error = _refused(text)
    assert str(error) == message
    if message.startswith("contest.toml: not valid TOML"):
        assert error.problem.zh.startswith("不是有效的 TOML：第 189 行第 12 列：")
    assert_chinese(error)


@pytest.mark.parametrize(("text", "expected"), MSGSPEC_KINDS, ids=[m for _, m in MSGSPEC_KINDS])
def test_each_msgspec_kind_is_translated(text: str, expected: str) -> None:
    error = _refused(text)
    assert expected in error.problem.zh
    assert_chinese(error)


def test_an_untranslated_msgspec_message_is_chinese_with_the_english_detail() -> None:
    class Odd(msgspec.Struct):
        step: typing.Annotated[int, msgspec.Meta(multiple_of=5)]

    data = {"step": 7}
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(data, Odd)
    path, problem = explain(caught.value, data, Odd)
    assert path == ["step"]
    assert problem.en == "expected a whole number that's a multiple of 5, found 7"
    assert (
        problem.zh == "应为符合要求的值（expected a whole number that's a multiple of 5），实际为 7"
    )


def _roster_refused(tmp_path: Path, headers: list[str], rows: list[list[str]]) -> DefinitionError:
    _write_csv(tmp_path / "c.csv", headers, rows, "utf-8")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '"c.csv"', '"j.csv"'))
    return caught.value


ROSTER_KINDS = [
    (
        CONTESTANT_HEADERS,
        _with_cell(4, 3, "enterprize"),
        'c.csv 第 6 行 "组别" 列：没有组别 "enterprize"',
    ),
    (CONTESTANT_HEADERS, _with_cell(0, 2, ""), 'c.csv 第 2 行 "单位" 列：是空的；这一项必填'),
    (CONTESTANT_HEADERS, _with_cell(2, 0, "1 03"), 'c.csv 第 4 行 "编号" 列：应为编号'),
    (CONTESTANT_HEADERS, _with_cell(11, 4, "八十六"), '专家评审" 列：应为数，实际为 "八十六"'),
    (CONTESTANT_HEADERS, _with_cell(5, 0, "101"), '选手编号 "101" 已被 第 2 行 使用'),
    (
        [*CONTESTANT_HEADERS[:4], "专家分"],
        _rows("contestants.csv"),
        'c.csv："专家分" 列：无法识别的列',
    ),
    (
        ["编号", "姓名", "单位", "专家评审"],
        [r[:3] + r[4:] for r in _rows("contestants.csv")],
        '缺少 "group"（组别） 列',
    ),
    (
        CONTESTANT_HEADERS,
        [*_rows("contestants.csv"), ["", "", "", "", "", "x"]],
        "c.csv 第 14 行 F 列：有值，但这一列没有表头",
    ),
]


@pytest.mark.parametrize(
    ("headers", "rows", "expected"), ROSTER_KINDS, ids=[e for *_, e in ROSTER_KINDS]
)
def test_each_roster_mistake_names_its_row_and_column_in_chinese(
    tmp_path: Path, headers: list[str], rows: list[list[str]], expected: str
) -> None:
    error = _roster_refused(tmp_path, headers, rows)
    assert expected in error.line(chinese=True)
    assert_chinese(error)


def test_files_that_cannot_be_read_say_so_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '"absent.csv"', '"absent.csv"'))
    assert caught.value.line(chinese=True) == "absent.csv：无法读取：文件不存在"
    _write_xlsx(tmp_path / "p.xlsx", {"选手": [CONTESTANT_HEADERS]})
    with pytest.raises(DefinitionError) as caught:
        load_definition(_file_with(tmp_path, '{ file = "p.xlsx", sheet = "评委" }', '"p.xlsx"'))
    assert caught.value.line(chinese=True) == (
        'p.xlsx 工作表 "评委"：没有名为 "评委" 的工作表；工作簿中有 "选手"'
    )
    assert_chinese(caught.value)


def test_an_upload_naming_a_file_outside_says_so_in_chinese(tmp_path: Path) -> None:
    text = TEXT[: TEXT.index("[[contestants]]")].replace(
        'rounding = "half_up"\n',
        'rounding = "half_up"\ncontestants = "../c.csv"\njudges = "j.csv"\n',
    )
    error = _refused(text, tmp_path)
    assert error.where == Bilingual.same("contestants.file")
    assert error.problem.zh == '"../c.csv" 不在允许的文件夹内'
