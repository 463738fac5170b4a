"""Contestants or judges from a CSV or XLSX file named in the competition file.

The header row names the columns, in English or Chinese (``ALIASES``), in any
order and any letter case; a contestant's prior score for a source of the
composite sits in a column headed by the source's id or one of its labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec
from msgspec import Meta

from events.catalog import Label
from server.explain import explain
from server.spreadsheet import SpreadsheetError, Table, column_letter, read_table

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "代码", "code", "选手编号", "评委编号", "参赛编号"),
    "name": ("name", "姓名", "名称", "选手", "选手姓名", "评委", "评委姓名", "队名", "团队名称"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "unit",
        "单位",
        "所属单位",
        "工作单位",
        "单位名称",
        "组织",
        "机构",
    ),
    "group": ("group", "组别", "分组", "参赛组别"),
    "round": ("round", "轮次"),
    "panel": ("panel", "评委组", "评审组", "评分组"),
    "shadow": ("shadow", "见习", "见习评委", "影子评委"),
}
"""Header names accepted for each field (compared without case and outer spaces)."""

IGNORED = ("序号", "备注", "no.", "notes")
"""Headers of columns that are always skipped (row numbers, remarks)."""

_TRUE = {"true", "yes", "y", "1", "是", "√"}
_FALSE = {"false", "no", "n", "0", "否"}


class SheetRef(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``contestants = { file = "contestants.xlsx", sheet = "名单" }``."""

    file: str
    sheet: str | None = None
    header_row: Annotated[int, Meta(ge=1)] = 1
    encoding: str = "utf-8"
    columns: dict[str, str] = {}
    ignore: list[str] = []


class RosterError(Exception):
    """A mistake in a named file or its reference; ``str`` is the whole one-line message."""


class _FileError(Exception):
    """A mistake inside the file; the file's name is put in front of it."""


@dataclass(frozen=True)
class Place:
    """Where a contestant or judge was written: an entry of the TOML file or a
    spreadsheet row (``columns`` maps each field to its header there)."""

    prefix: str
    short: str
    columns: Mapping[str, str] | None = field(default=None)

    @classmethod
    def inline(cls, name: str, path: str) -> Place:
        return cls(prefix=f"{name}: {path}", short=path)

    def at(self, field_: str) -> str:
        """Where ``field_`` of this record is (``prior.expert`` for a prior score)."""
        if self.columns is None:
            return f"{self.prefix}.{field_}"
        header = self.columns.get(field_)
        return f'{self.prefix}, column "{header}"' if header is not None else self.prefix

    def describe(self) -> str:
        return self.short


R = TypeVar("R", bound=msgspec.Struct)


def read_roster(
    ref: SheetRef,
    *,
    kind: type[R],
    base_dir: Path | None,
    confine: bool,
    prior_sources: Mapping[str, Label],
    where: str,
) -> list[tuple[R, Place]]:
    """The records of ``kind`` in the file ``ref`` names, each with its row.

    ``where`` names the TOML field (``contest.toml: contestants``) for
    mistakes in ``ref`` itself; ``confine`` keeps the file inside ``base_dir``.
    """
    if base_dir is None:
        raise RosterError(f"{where}.file: this definition cannot name files")
    path = base_dir / ref.file
    if confine and not path.resolve().is_relative_to(base_dir.resolve()):
        raise RosterError(f'{where}.file: "{ref.file}" is outside the allowed directory')
    label = ref.file + (f', sheet "{ref.sheet}"' if ref.sheet else "")
    try:
        table = read_table(path, sheet=ref.sheet, header_row=ref.header_row, encoding=ref.encoding)
        columns = _columns(table, ref, kind, prior_sources)
        return [
            _record(kind, table, row_index, columns, label) for row_index in range(len(table.rows))
        ]
    except (SpreadsheetError, _FileError) as exc:
        raise RosterError(f"{label}{'' if str(exc).startswith('row ') else ':'} {exc}") from None


def _key(header: str) -> str:
    return header.strip().casefold()


def _columns(
    table: Table, ref: SheetRef, kind: type[msgspec.Struct], sources: Mapping[str, Label]
) -> dict[int, str]:
    """Which field each column holds (``prior.<source>`` for a prior score)."""
    fields = [f for f in msgspec.structs.fields(kind) if f.name != "prior"]
    names: dict[str, str] = {}
    for f in fields:
        for alias in (f.name, *ALIASES.get(f.name, ())):
            names[_key(alias)] = f.name
    for source, text in sources.items():
        for alias in (source, text.zh_cn, text.en):
            if alias:
                names[_key(alias)] = f"prior.{source}"
    for header, target in ref.columns.items():
        target_name = target if target in {f.name for f in fields} else f"prior.{target}"
        if target_name not in names.values():
            raise _FileError(
                f'columns: "{header}" maps to "{target}", which is not a field '
                f"({', '.join(f.name for f in fields)}) or a prior source"
            )
        names[_key(header)] = target_name
    skipped = {_key(h) for h in (*IGNORED, *ref.ignore)}
    held: dict[int, str] = {}
    first: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if not header:
            if any(row.cells[index] is not None for row in table.rows):
                raise _FileError(f"column {column_letter(index)} has values but no header")
            continue
        if _key(header) in skipped:
            continue
        held_as = names.get(_key(header))
        if held_as is None:
            known = ", ".join(f"{f.name}/{ALIASES[f.name][1]}" for f in fields)
            raise _FileError(
                f'column "{header}": unknown column; expected {known}'
                + (f", or a prior source ({', '.join(sources)})" if sources else "")
                + "; name others in ignore = [...]"
            )
        if held_as in first:
            raise _FileError(
                f'column "{header}": a second column for {held_as} (the first is "{first[held_as]}")'
            )
        first[held_as] = header
        held[index] = held_as
    missing = [f.name for f in fields if f.required and f.name not in first]
    if missing:
        wanted = ", ".join(f'"{name}" ({ALIASES[name][1]})' for name in missing)
        raise _FileError(f"no column for {wanted}; the headers are: {', '.join(table.headers)}")
    return held


def _record(
    kind: type[R], table: Table, row_index: int, columns: dict[int, str], label: str
) -> tuple[R, Place]:
    row = table.rows[row_index]
    data: dict[str, object] = {}
    prior: dict[str, object] = {}
    for index, target in columns.items():
        value = row.cells[index]
        if value is None:
            continue
        if target.startswith("prior."):
            prior[target.removeprefix("prior.")] = value
        elif target == "shadow":
            data[target] = _flag(value)
        else:
            data[target] = value if isinstance(value, str | bool) else str(value)
    if prior:
        data["prior"] = prior
    headers = {target: table.headers[index] for index, target in columns.items()}
    place = Place(prefix=f"{label} row {row.number}", short=f"row {row.number}", columns=headers)
    try:
        return msgspec.convert(data, kind), place
    except msgspec.ValidationError as exc:
        path, problem = explain(exc, data, kind)
        target = ".".join(str(step) for step in path[:2])
        if problem.startswith("missing"):
            problem = "empty; a value is required"
        raise RosterError(f"{place.at(target)}: {problem}") from None


def _flag(value: object) -> object:
    """A yes/no cell as a bool (是/否, yes/no, true/false, 1/0); anything else as found."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return value
