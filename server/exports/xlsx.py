"""The results announcement as an XLSX workbook.

One sheet overall (the standings: no judges' columns), one per group (a
column for each judge of the group's panel, and a judge's cell without a
total says why in grey italic words) and one of the judges, each with the
header block (competition, round, the log's head seq and hash, provisional
or final), a frozen heading row and columns sized to their contents.

Numbers are written as numbers, digit for digit: openpyxl turns a
``Decimal`` into text through ``float`` and ``%.16g`` (8.45 is written
``8.449999999999999``), so ``_number`` gives the cell the decimal's own
fixed-point text and marks the cell numeric; a spreadsheet program reads
``<v>8.45</v>`` exactly as if 8.45 had been typed.
"""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from server.exports import headings as h
from server.exports.table import About, Cell, Column, NotCounted, ResultsTables, Score, Sheet

_TITLE = Font(bold=True, size=14)
_LABEL = Font(bold=True, color="555555")
_NOTE = Font(italic=True, color="555555")
_HEADING = Font(bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="E8E8E8")
_HEADING_BORDER = Border(bottom=Side(style="thin"))
_STRUCK = Font(strike=True, color="888888")
_NO_TOTAL = Font(italic=True, color="888888")
_MAX_WIDTH = 60
_FROZEN_COLUMNS = 3
"""Rank, ID and name stay in view when a long row of judges scrolls."""


def write_xlsx(tables: ResultsTables) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for sheet in (tables.standings, *tables.groups, tables.judges):
        _write_sheet(book.create_sheet(_sheet_title(sheet.name, taken)), tables.about, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts (≤ 31 characters, none of ``[]:*?/\\``), unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    title, n = base[:31], 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _write_sheet(ws: Any, about: About, sheet: Sheet) -> None:
    ws.cell(1, 1, f"{about.title} · {about.round_name} · {sheet.name}").font = _TITLE
    header = about.header()
    for i, (_, label, fact) in enumerate(header, start=2):
        ws.cell(i, 1, label).font = _LABEL
        ws.cell(i, 2, fact).alignment = Alignment(horizontal="left")
    note_row = len(header) + 2
    ws.cell(note_row, 1, sheet.note).font = _NOTE
    heading_row = note_row + 2
    widths = [0] * len(sheet.columns)
    widths[0] = max(_width(label) for _, label, _ in header)
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(heading_row, col, column.heading)
        cell.font, cell.fill, cell.border = _HEADING, _HEADING_FILL, _HEADING_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        widths[col - 1] = max(widths[col - 1], _width(column.heading))
    for r, row in enumerate(sheet.rows, start=heading_row + 1):
        for col, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            shown = _put(ws.cell(r, col), about, column, value)
            widths[col - 1] = max(widths[col - 1], _width(shown))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
    frozen = min(_FROZEN_COLUMNS, len(sheet.columns)) + 1
    ws.freeze_panes = ws.cell(heading_row + 1, frozen).coordinate
    ws.print_title_rows = f"{heading_row}:{heading_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _put(cell: Any, about: About, column: Column, value: Cell) -> str:
    """Write ``value`` into ``cell``; the text it shows (for the column width)."""
    if isinstance(value, Score):
        if value.value is None and value.reason is not None:
            cell.value = about.text(h.NO_TOTAL[value.reason])
            cell.font = _NO_TOTAL
            cell.alignment = Alignment(horizontal="right")
            return str(cell.value)
        if not value.counted:
            cell.font = _STRUCK
        value = value.value
    if value is None:
        return ""
    if isinstance(value, NotCounted):
        value = value.text(about)
    if isinstance(value, Decimal):
        return _number(cell, value, about.places(column, value))
    if isinstance(value, int):
        cell.value = value
        cell.number_format = "0"
        return str(value)
    cell.value = value
    return value


def _number(cell: Any, value: Decimal, places: int) -> str:
    """Store ``value``'s own digits as a numeric cell shown with ``places`` decimals."""
    text = f"{value:f}"
    cell.value = text
    cell.data_type = "n"
    cell.number_format = "0." + "0" * places if places else "0"
    return f"{value:.{places}f}"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
