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
from projections.spelling import spelling_key, visible
from server.explain import MISSING, explain
from server.mistake import Bilingual, Mistake
from server.spreadsheet import Shown, SpreadsheetError, Table, column_letter, read_table

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


class RosterError(Mistake):
    """A mistake in a named file or its reference; ``str`` is the whole one-line message."""


class _FileError(Exception):
    """A mistake inside the file; the file's name is put in front of it."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.problem = Bilingual(en, zh)


Location = tuple[str | None, Bilingual]
"""A file's name (``None`` when the place names it) and the place in it."""


@dataclass(frozen=True)
class Place:
    """Where a contestant or judge was written: an entry of the TOML file or a
    spreadsheet row (``columns`` maps each field to its header there)."""

    source: str | None
    """The competition file of an entry; ``None`` for a row (``where`` names its file)."""
    where: Bilingual
    short: Bilingual
    columns: Mapping[str, str] | None = field(default=None)

    @classmethod
    def inline(cls, name: str, path: str) -> Place:
        return cls(source=name, where=Bilingual.same(path), short=Bilingual.same(path))

    @classmethod
    def row(cls, label: Bilingual, number: int, columns: Mapping[str, str]) -> Place:
        short = Bilingual(f"row {number}", f"第 {number} 行")
        where = Bilingual(f"{label.en} {short.en}", f"{label.zh} {short.zh}")
        return cls(source=None, where=where, short=short, columns=columns)

    def at(self, field_: str) -> Location:
        """Where ``field_`` of this record is (``prior.expert`` for a prior score)."""
        en, zh = self.where
        if self.columns is None:
            return self.source, Bilingual(f"{en}.{field_}", f"{zh}.{field_}")
        header = self.columns.get(field_)
        if header is None:
            return self.source, self.where
        return self.source, Bilingual(f'{en}, column "{header}"', f'{zh} "{header}" 列')

    def describe(self) -> Bilingual:
        return self.short


R = TypeVar("R", bound=msgspec.Struct)


_KIND_ZH = {"contestants": "选手", "judges": "评委"}
"""How a roster's key reads in Chinese messages."""


def read_roster(
    ref: SheetRef,
    *,
    kind: type[R],
    base_dir: Path | None,
    confine: bool,
    prior_sources: Mapping[str, Label],
    where: tuple[str, str],
    groups: Mapping[str, Label] | None = None,
) -> list[tuple[R, Place]]:
    """The records of ``kind`` in the file ``ref`` names, each with its row.

    ``where`` names the TOML file and field (``contest.toml``, ``contestants``) for
    mistakes in ``ref`` itself; ``confine`` keeps the file inside ``base_dir``.
    A group may be written by its id or by its name in either language
    (``groups``: id → name), as organisers type 机关组 for ``agency``.
    """
    by_name = {
        spelling_key(text): group
        for group, name in (groups or {}).items()
        for text in (name.zh_cn, name.en)
        if text
    }
    source, key = where
    file = Bilingual.same(f"{key}.file")
    if base_dir is None:
        raise RosterError(
            source,
            file,
            Bilingual(
                f'an uploaded file brings no other files, so it cannot take its {key} from "{ref.file}":'
                f" write them in the file itself ([[{key}]]), or create the competition with"
                " `leitai init` where that file lies",
                f"上传的文件不能附带其他文件，无法从“{ref.file}”读取{_KIND_ZH.get(key, key)}："
                f"请直接写在本文件中（[[{key}]]），或在该文件所在的电脑上用 `leitai init` 创建赛事",
            ),
        )
    path = base_dir / ref.file
    if confine and not path.resolve().is_relative_to(base_dir.resolve()):
        raise RosterError(
            source,
            file,
            Bilingual(
                f'"{ref.file}" is outside the allowed directory',
                f'"{ref.file}" 不在允许的文件夹内',
            ),
        )
    label = Bilingual(
        ref.file + (f', sheet "{ref.sheet}"' if ref.sheet else ""),
        ref.file + (f' 工作表 "{ref.sheet}"' if ref.sheet else ""),
    )
    try:
        table = read_table(path, sheet=ref.sheet, header_row=ref.header_row, encoding=ref.encoding)
        columns = _columns(table, ref, kind, prior_sources)
        return [
            _record(kind, table, row_index, columns, label, by_name)
            for row_index in range(len(table.rows))
        ]
    except SpreadsheetError as exc:
        if exc.where is None:
            raise RosterError(None, label, exc.problem) from None
        en, zh = exc.where
        where_ = Bilingual(f"{label.en} {en}", f"{label.zh} {zh}")
        raise RosterError(None, where_, exc.problem) from None
    except _FileError as exc:
        raise RosterError(None, label, exc.problem) from None


def _chinese_alias(name: str) -> str:
    return next(alias for alias in ALIASES[name] if not alias.isascii())


def _key(header: str) -> str:
    """A header as its reader sees it: 姓　名, 选手⏎编号 and ｎａｍｅ are 姓名,
    选手编号 and name (``projections.spelling``)."""
    return spelling_key(header)


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
                f"({', '.join(f.name for f in fields)}) or a prior source",
                f'columns："{header}" 对应的 "{target}" 既不是字段'
                f"（{'、'.join(f.name for f in fields)}），也不是前期成绩来源",
            )
        names[_key(header)] = target_name
    skipped = {_key(h) for h in (*IGNORED, *ref.ignore)}
    held: dict[int, str] = {}
    first: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if not header:
            if any(row.cells[index] is not None for row in table.rows):
                letter = column_letter(index)
                raise _FileError(
                    f"column {letter} has values but no header", f"{letter} 列有值，但没有表头"
                )
            continue
        if _key(header) in skipped:
            continue
        held_as = names.get(_key(header))
        if held_as is None:
            known = [f"{f.name}/{ALIASES[f.name][1]}" for f in fields]
            known_zh = [f"{f.name}/{_chinese_alias(f.name)}" for f in fields]
            quoted = "、".join(f'"{source}"' for source in sources)
            # a title typed above the header (merged across it): the only cell of its row
            titled = sum(1 for h in table.headers if h) == 1
            raise _FileError(
                f'column "{visible(header)}": unknown column; expected {", ".join(known)}'
                + (f", or a prior source ({', '.join(sources)})" if sources else "")
                + "; name others in ignore = [...]"
                + (
                    f"; if it is a title above the header, set header_row = {ref.header_row + 1}"
                    if titled
                    else ""
                ),
                f'"{visible(header)}" 列：无法识别的列；应为 {"、".join(known_zh)}'
                + (f"，或前期成绩来源（{quoted}）" if sources else "")
                + "；其他列请写进 ignore = [...]"
                + (
                    f"；如这是表头上方的标题，请设置 header_row = {ref.header_row + 1}"
                    if titled
                    else ""
                ),
            )
        if held_as in first:
            raise _FileError(
                f'column "{header}": a second column for {held_as} (the first is "{first[held_as]}")',
                f'"{header}" 列：{held_as} 已有一列（"{first[held_as]}"），不能再有第二列',
            )
        first[held_as] = header
        held[index] = held_as
    missing = [f.name for f in fields if f.required and f.name not in first]
    if missing:
        wanted = [f'"{name}" ({ALIASES[name][1]})' for name in missing]
        wanted_zh = [f'"{name}"（{_chinese_alias(name)}）' for name in missing]
        raise _FileError(
            f"no column for {', '.join(wanted)}; the headers are: {', '.join(table.headers)}",
            f"缺少 {'、'.join(wanted_zh)} 列；表头是：{'、'.join(table.headers)}",
        )
    return held


def _record(
    kind: type[R],
    table: Table,
    row_index: int,
    columns: dict[int, str],
    label: Bilingual,
    groups: Mapping[str, str],
) -> tuple[R, Place]:
    row = table.rows[row_index]
    data: dict[str, object] = {}
    prior: dict[str, object] = {}
    for index, target in columns.items():
        value = row.cells[index]
        if value is None:
            continue
        if target.startswith("prior."):  # 86.5 in a cell showing 86.5分
            prior[target.removeprefix("prior.")] = (
                value.number if isinstance(value, Shown) else value
            )
        elif target == "shadow":
            data[target] = _flag(value)
        elif (
            target == "group"
            and isinstance(value, str)
            and value not in groups.values()
            and spelling_key(value) in groups
        ):
            data[target] = groups[spelling_key(value)]  # 机关组, as the file names the group
        else:
            data[target] = value if isinstance(value, str | bool) else str(value)
    if prior:
        data["prior"] = prior
    headers = {target: table.headers[index] for index, target in columns.items()}
    place = Place.row(label, row.number, headers)
    try:
        return msgspec.convert(data, kind), place
    except msgspec.ValidationError as exc:
        path, problem = explain(exc, data, kind)
        target = ".".join(str(step) for step in path[:2])
        if problem == MISSING:
            problem = Bilingual("empty; a value is required", "是空的；这一项必填")
        raise RosterError(*place.at(target), problem) from None


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
