"""Two organisations written alike but for spaces or invisible characters are
refused, naming both (projections.spelling): a review's judge of
"江城轨道交通集团" scored contestants of "江城轨道交通 集团" and of
"江城轨道交通⏎集团" (Alt+Enter in a cell), as the rules took them for others."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.catalog import ContestantRegistered
from projections.spelling import spelling_key, visible
from projections.state import organisation_key
from server.definition import DefinitionError, load_definition
from tests.definition.test_rosters import (
    CONTESTANT_HEADERS,
    JUDGE_HEADERS,
    _file_with,
    _rows,
    _write_csv,
)

JUDGE_J1 = "市发展和改革委员会"  # J1's, in examples/judges.csv


def _mistake(tmp_path: Path, organisation: str, encoding: str = "utf-8") -> DefinitionError:
    """The example with contestant 103's organisation written ``organisation``."""
    rows = _rows("contestants.csv")
    rows[2][2] = organisation
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, rows, encoding)
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), encoding)
    text = _file_with(tmp_path, f'{{ file = "c.csv", encoding = "{encoding}" }}', '"j.csv"')
    with pytest.raises(DefinitionError) as caught:
        load_definition(text)
    return caught.value


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("市发展和改革 委员会", "市发展和改革 委员会"),
        ("市发展和改革\n委员会", "市发展和改革[U+000A]委员会"),
        ("市发展和改革\u3000委员会", "市发展和改革[U+3000]委员会"),
        ("市发展和改革\u00a0委员会", "市发展和改革[U+00A0]委员会"),
        ("市发展和改革委员会\u200b", "市发展和改革委员会[U+200B]"),
        ("\ufeff市发展和改革委员会", "[U+FEFF]市发展和改革委员会"),
    ],
)
def test_an_organisation_written_apart_only_by_what_one_cannot_see_is_refused(
    tmp_path: Path, written: str, shown: str
) -> None:
    error = _mistake(tmp_path, written)
    assert error.line(chinese=False) == (
        f'c.csv row 4, column "单位": "{shown}" differs from "{JUDGE_J1}" (c.csv row 2)'
        " only by spaces or characters one cannot see: write them alike if they are one"
        " organisation (a judge never scores their own), or tell them apart by more if not"
    )
    assert error.line(chinese=True).startswith(
        f'c.csv 第 4 行 "单位" 列：“{shown}”与“{JUDGE_J1}”（c.csv 第 2 行）仅差空格或不可见字符'
    )


def test_the_same_name_trimmed_or_in_full_width_forms_is_the_same_organisation(
    tmp_path: Path,
) -> None:
    """What the rules already take as one (NFKC, case, the ends trimmed) is not refused."""
    rows = _rows("contestants.csv")
    rows[2][2] = f"\u3000{JUDGE_J1} "
    _write_csv(tmp_path / "c.csv", CONTESTANT_HEADERS, rows, "gb18030")
    _write_csv(tmp_path / "j.csv", JUDGE_HEADERS, _rows("judges.csv"), "utf-8")
    text = _file_with(tmp_path, '{ file = "c.csv", encoding = "gb18030" }', '"j.csv"')
    definition = load_definition(text)
    (c103,) = [
        e
        for e in definition.events
        if isinstance(e, ContestantRegistered) and e.contestant == "103"
    ]
    assert organisation_key(c103.organisation) == organisation_key(JUDGE_J1)


@given(st.text(max_size=12))
def test_names_the_rules_take_as_one_have_one_spelling(name: str) -> None:
    """The check never refuses two names the rules already take as one organisation."""
    padded = f" \t{name.upper()}\u3000"
    if organisation_key(padded) == organisation_key(name):
        assert spelling_key(padded) == spelling_key(name)


def test_visible_leaves_a_plain_space_and_marks_the_others() -> None:
    assert visible("a b\tc\u2028") == "a b[U+0009]c[U+2028]"
