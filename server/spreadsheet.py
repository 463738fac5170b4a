"""Reading a table from a CSV or XLSX file: one header row, then one record per row.

Cells come back as ``str``, ``int``, ``bool``, ``Decimal`` or ``None`` (empty).
A number typed into a workbook arrives from openpyxl as a float; it is turned
into the ``Decimal`` of its shortest representation (``86.5``, never
``86.4999…``), which is what the cell shows.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from server.mistake import Bilingual, Mistake, cannot_read

Cell = str | int | bool | Decimal | None


class SpreadsheetError(Mistake):
    """A file that cannot be read as a table; ``where`` is a row (and column) or ``None``."""

    def __init__(self, en: str, zh: str, where: Bilingual | None = None) -> None:
        super().__init__(None, where, Bilingual(en, zh))


@dataclass(frozen=True)
class Row:
    """One record: its row number as the spreadsheet shows it, and its cells."""

    number: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """A header row and the non-empty rows below it."""

    headers: tuple[str, ...]
    rows: tuple[Row, ...]


def read_table(
    path: Path, *, sheet: str | None = None, header_row: int = 1, encoding: str = "utf-8"
) -> Table:
    """The table in ``path`` (``.csv`` or ``.xlsx``), its header on ``header_row``.

    ``sheet`` names a workbook's sheet (the first one by default); ``encoding``
    is a CSV file's encoding (UTF-8, with or without a byte order mark, by
    default; ``gb18030`` reads what Excel saves on a Chinese Windows).
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if sheet is not None:
            raise SpreadsheetError(
                "a CSV file has no sheets; remove `sheet`", "CSV 文件没有工作表；请删除 sheet"
            )
        lines = _csv_rows(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        lines = _xlsx_rows(path, sheet)
    else:
        raise SpreadsheetError(
            f"expected a .csv or .xlsx file, found {path.suffix or 'no suffix'}",
            "应为 .csv 或 .xlsx 文件，"
            + (f"实际为 {path.suffix}" if path.suffix else "实际没有扩展名"),
        )
    return _table(lines, header_row)


def _csv_rows(path: Path, encoding: str) -> list[tuple[Cell, ...]]:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        with path.open(encoding=codec, newline="") as file:
            return [tuple(_csv_cell(value) for value in line) for line in csv.reader(file)]
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"not {encoding} text (byte {exc.start}); save it as CSV UTF-8, "
            'or set encoding = "gb18030" for a file saved by Excel on Chinese Windows',
            f"不是 {encoding} 编码的文本（第 {exc.start} 字节）；请另存为 CSV UTF-8，"
            '中文版 Windows 上 Excel 保存的文件请设置 encoding = "gb18030"',
        ) from None
    except LookupError:
        raise SpreadsheetError(
            f"unknown encoding {encoding!r}", f"未知的编码 {encoding!r}"
        ) from None
    except csv.Error as exc:
        raise SpreadsheetError(
            f"not a readable CSV file: {exc}", f"无法按 CSV 文件读取（原因：{exc}）"
        ) from None
    except OSError as exc:
        raise SpreadsheetError(*cannot_read(exc)) from None


def _csv_cell(value: str) -> Cell:
    value = value.strip()
    return value or None


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[Cell, ...]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # openpyxl warns about workbook features it does not read (data
        # validation, conditional formats); they do not matter for values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SpreadsheetError(
            f"not a readable XLSX workbook: {exc}", f"无法按 XLSX 工作簿读取（原因：{exc}）"
        ) from None
    except OSError as exc:
        raise SpreadsheetError(*cannot_read(exc)) from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            names = ", ".join(f'"{name}"' for name in book.sheetnames)
            raise SpreadsheetError(
                f'no sheet "{sheet}"; the workbook has {names}',
                f'没有名为 "{sheet}" 的工作表；工作簿中有 {names.replace(", ", "、")}',
            )
        return [
            tuple(_xlsx_cell(cell.value, getattr(cell, "number_format", None)) for cell in line)
            for line in worksheet.iter_rows()
        ]
    finally:
        book.close()


_NUMBER_FORMAT = re.compile(
    r'(?P<pre>(?:"[^"]*"|\\.)*)(?P<whole>[#0,]*)(?:\.(?P<places>[0#]+))?(?P<post>(?:"[^"]*"|\\.)*)'
)
"""A number format of fixed places (``0.00``, ``#,##0.0``), zeros to pad the
whole part (``000``), and text before or after it (``"J"00``, ``0.0"分"``)."""
_LITERAL = re.compile(r'"([^"]*)"|\\(.)')
_SPACING = re.compile(r"\[[^\]]*\]|_.|\*.")
"""What a format adds that is no character of the value: a colour or a condition
(``[Red]``), the room of a character (``_)``, as in Chinese Excel's default
数值 format ``0.00_ ``), a fill (``* ``)."""


class Shown(str):
    """A number's cell as its format shows it, as text (001, J01, 86.5分), with
    the ``number`` it holds: an id is read as the text, a score as the number."""

    number: Decimal


def _xlsx_cell(value: object, number_format: str | None = None) -> Cell:
    match value:
        case None | bool() | Decimal():
            return value
        case int() | float():
            return _shown(value, number_format or "General")
        case str():
            return value.strip() or None
        case datetime() | date() | time():
            return value.isoformat()
        case _:
            return str(value)


def _shown(value: int | float, number_format: str) -> Cell:
    """A number as its cell shows it: rounded to the places of a fixed-places
    format (a formula's 85.333… shown as 85.33), its whole part padded with
    the format's zeros and the format's text around it (001, J01) as text. A
    format of another kind (General, a percentage, a date) leaves it as stored.
    A value is never given places it does not have (86 in a 0.0 cell is 86)."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    shape = _NUMBER_FORMAT.fullmatch(_SPACING.sub("", number_format.split(";")[0]))
    if shape is None or not (shape["whole"] or shape["places"]):
        return exact if isinstance(value, float) else value
    places = len(shape["places"] or "")
    exponent = exact.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        exact = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)  # as Excel shows
    zeros = shape["whole"].count("0")
    text = (
        "".join(a + b for a, b in _LITERAL.findall(shape["pre"])),
        "".join(a + b for a, b in _LITERAL.findall(shape["post"])),
    )
    if any(text) or (zeros > 1 and abs(exact) < 10 ** (zeros - 1)):
        whole, point, fraction = f"{abs(exact):f}".partition(".")
        number = ("-" if exact < 0 else "") + whole.zfill(zeros) + point + fraction
        shown = Shown(text[0] + number + text[1])
        shown.number = exact
        return shown
    return exact if isinstance(value, float) or exact != value else value


def _table(lines: list[tuple[Cell, ...]], header_row: int) -> Table:
    if len(lines) < header_row:
        raise SpreadsheetError(
            f"no header row (row {header_row} is past the end of the file)",
            f"没有表头行（第 {header_row} 行已超出文件末尾）",
        )
    header = lines[header_row - 1]
    headers = tuple("" if cell is None else str(cell).strip() for cell in header)
    if not any(headers):
        raise SpreadsheetError(
            f"row {header_row}, the header row, is empty", f"第 {header_row} 行（表头行）是空的"
        )
    rows: list[Row] = []
    for number, line in enumerate(lines[header_row:], start=header_row + 1):
        if all(cell is None for cell in line):
            continue
        cells = line[: len(headers)] + (None,) * (len(headers) - len(line))
        for index in range(len(headers), len(line)):
            if line[index] is not None:
                letter = column_letter(index)
                raise SpreadsheetError(
                    "a value under no header",
                    "有值，但这一列没有表头",
                    Bilingual(f"row {number}, column {letter}", f"第 {number} 行 {letter} 列"),
                )
        rows.append(Row(number, cells))
    return Table(headers, tuple(rows))


def column_letter(index: int) -> str:
    """The spreadsheet name of a 0-based column (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
